package io.hostdeck.services.unitfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class UnitFileTextTest {

    private static final ServiceSpec FULL = ServiceSpec.validate(Map.of(
            "Description", "Billing API, 100% uptime",
            "After", "network-online.target postgresql.service",
            "Type", "exec",
            "User", "billing",
            "ExecStart", "/opt/billing/bin/api  --port 8080",
            "Restart", "on-failure",
            "RestartSec", "1min 30s",
            "MemoryMax", "512M",
            "CPUQuota", "50%",
            "WantedBy", "multi-user.target graphical.target"));

    private static final ServiceSpec MINIMAL = ServiceSpec.validate(Map.of(
            "Description", "Sleeper",
            "ExecStart", "/usr/bin/sleep infinity"));

    @Test
    void rendersAWholeUnitFile() {
        assertThat(UnitFileText.unitFile(FULL)).isEqualTo("""
                # Created by Hostdeck
                [Unit]
                Description=Billing API, 100%% uptime
                After=network-online.target postgresql.service

                [Service]
                Type=exec
                User=billing
                ExecStart=/opt/billing/bin/api --port 8080
                Restart=on-failure
                RestartSec=1min 30s
                MemoryMax=512M
                CPUQuota=50%

                [Install]
                WantedBy=multi-user.target graphical.target
                """);
    }

    @Test
    void leavesOutEmptyOptionalFields() {
        assertThat(UnitFileText.unitFile(MINIMAL)).isEqualTo("""
                # Created by Hostdeck
                [Unit]
                Description=Sleeper

                [Service]
                Type=simple
                ExecStart=/usr/bin/sleep infinity
                Restart=no

                [Install]
                WantedBy=multi-user.target
                """);
    }

    @Test
    void theFirstLineIsTheMarkTheStoreLooksFor() {
        // the mark UnitFileStore looks for before it deletes a unit file
        assertThat(UnitFileText.unitFile(MINIMAL)).startsWith(io.hostdeck.host.unitfiles.UnitFileStore.CREATED_MARK + "\n");
    }

    @Test
    void anOverrideResetsTheListsItReplaces() {
        assertThat(UnitFileText.override(FULL)).isEqualTo("""
                # Edited by Hostdeck
                [Unit]
                Description=Billing API, 100%% uptime
                After=network-online.target postgresql.service

                [Service]
                Type=exec
                User=billing
                ExecStart=
                ExecStart=/opt/billing/bin/api --port 8080
                Restart=on-failure
                RestartSec=1min 30s
                MemoryMax=512M
                CPUQuota=50%

                [Install]
                WantedBy=
                WantedBy=multi-user.target graphical.target
                """);
    }

    @Test
    void anOverrideLeavesBlankSettingsAsTheUnitHasThem() {
        assertThat(UnitFileText.override(MINIMAL)).isEqualTo("""
                # Edited by Hostdeck
                [Unit]
                Description=Sleeper

                [Service]
                Type=simple
                ExecStart=
                ExecStart=/usr/bin/sleep infinity
                Restart=no

                [Install]
                WantedBy=
                WantedBy=multi-user.target
                """);
    }

    @Test
    void theSameSpecAlwaysGivesTheSameText() {
        assertThat(UnitFileText.unitFile(FULL)).isEqualTo(UnitFileText.unitFile(ServiceSpec.validate(Map.of(
                "Description", "Billing API, 100% uptime",
                "After", "network-online.target postgresql.service",
                "Type", "exec",
                "User", "billing",
                "ExecStart", "/opt/billing/bin/api --port 8080",
                "Restart", "on-failure",
                "RestartSec", "1min 30s",
                "MemoryMax", "512M",
                "CPUQuota", "50%",
                "WantedBy", "multi-user.target graphical.target"))));
    }

    @Test
    void everyLineIsAHeaderACommentOrOneDirective() {
        for (String text : new String[] { UnitFileText.unitFile(FULL), UnitFileText.override(FULL) }) {
            assertThat(text.split("\n", -1)).allSatisfy(line -> assertThat(line)
                    .matches("|#.*|\\[(Unit|Service|Install)\\]|[A-Za-z]+=[^\\r\\n\\u0085\\u2028\\u2029]*"));
        }
    }
}
