package io.hostdeck.services.unitfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.hostdeck.error.InvalidInputException;

class ServiceSpecTest {

    /** A form that passes; each hostile case changes one field of it. */
    private static Map<String, String> goodForm() {
        Map<String, String> form = new HashMap<>();
        form.put("Description", "Billing API");
        form.put("After", "network-online.target postgresql.service");
        form.put("Type", "exec");
        form.put("User", "billing");
        form.put("ExecStart", "/opt/billing/bin/api --port 8080");
        form.put("Restart", "on-failure");
        form.put("RestartSec", "5s");
        form.put("MemoryMax", "512M");
        form.put("CPUQuota", "50%");
        form.put("WantedBy", "multi-user.target");
        return form;
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                // directive injection through line breaks of every kind
                Arguments.of("Description", "foo\nExecStartPre=/bin/rm -rf /"),
                Arguments.of("Description", "foo\rExecStartPre=/bin/rm -rf /"),
                Arguments.of("Description", "foo\r\n[Service]\nUser=root"),
                Arguments.of("Description", "foo\u0000bar"),
                Arguments.of("Description", "foo\u2028ExecStartPre=/bin/sh"),
                Arguments.of("Description", "foo\u2029ExecStartPre=/bin/sh"),
                Arguments.of("Description", "foo\u0085ExecStartPre=/bin/sh"),
                Arguments.of("Description", "foo\tbar"),
                Arguments.of("Description", "foo\u001b[31mred"),
                Arguments.of("Description", "invoice \u202Eexe.fdp"),
                Arguments.of("Description", "Billing API\n"),
                Arguments.of("Description", "continues \\"),
                Arguments.of("Description", "x".repeat(201)),
                Arguments.of("Description", ""),
                Arguments.of("Description", "   "),
                Arguments.of("ExecStart", "/opt/app\nExecStartPre=/bin/rm -rf /"),
                Arguments.of("ExecStart", "/opt/app\u0000 --x"),
                Arguments.of("ExecStart", "/opt/app\u2028--x"),
                Arguments.of("ExecStart", "/usr/bin/../../bin/sh"),
                Arguments.of("ExecStart", "/usr/bin/./app"),
                Arguments.of("ExecStart", "/opt/bin/"),
                Arguments.of("ExecStart", "bin/sh -c id"),
                Arguments.of("ExecStart", "sh"),
                Arguments.of("ExecStart", "./app"),
                Arguments.of("ExecStart", "-/opt/app"),
                Arguments.of("ExecStart", "+/opt/app"),
                Arguments.of("ExecStart", "@/opt/app app"),
                Arguments.of("ExecStart", "/opt/app --name %n"),
                Arguments.of("ExecStart", "/opt/app --home $HOME"),
                Arguments.of("ExecStart", "/opt/app --home ${HOME}"),
                Arguments.of("ExecStart", "/bin/sh -c 'rm -rf /'"),
                Arguments.of("ExecStart", "/opt/app \"--x\""),
                Arguments.of("ExecStart", "/opt/app \\; /bin/rm -rf /"),
                Arguments.of("ExecStart", "/opt/app ; /bin/rm -rf /"),
                Arguments.of("ExecStart", "/opt/app\u00a0--x"),
                Arguments.of("ExecStart", "/opt/app\u3000--x"),
                Arguments.of("ExecStart", "/opt/app " + "a".repeat(4096)),
                Arguments.of("ExecStart", ""),
                Arguments.of("After", "network.target\nExecStartPre=/bin/sh"),
                Arguments.of("After", "n\u0435twork.target"),
                Arguments.of("After", "network"),
                Arguments.of("After", "getty@.service"),
                Arguments.of("After", "../../etc/passwd"),
                Arguments.of("After", "network.target\u2028x.service"),
                Arguments.of("After", "a.target ".repeat(65)),
                Arguments.of("WantedBy", "multi-user.target;reboot.target"),
                Arguments.of("WantedBy", "multi-user.target\r\n[Service]"),
                Arguments.of("WantedBy", "multi-user.%i.target"),
                Arguments.of("Type", "simple\nExecStartPre=/bin/sh"),
                Arguments.of("Type", "SIMPLE"),
                Arguments.of("Type", "dbus"),
                Arguments.of("User", "root\n"),
                Arguments.of("User", "Root"),
                Arguments.of("User", "0day"),
                Arguments.of("User", "%u"),
                Arguments.of("User", "../etc"),
                Arguments.of("User", "a".repeat(33)),
                Arguments.of("Restart", "sometimes"),
                Arguments.of("Restart", "always\nUser=root"),
                Arguments.of("RestartSec", "-5"),
                Arguments.of("RestartSec", "5x"),
                Arguments.of("RestartSec", "5 s"),
                Arguments.of("RestartSec", "1.5s"),
                Arguments.of("RestartSec", "99999999999"),
                Arguments.of("RestartSec", "86401"),
                Arguments.of("RestartSec", "2d"),
                Arguments.of("RestartSec", "23h 61min"),
                Arguments.of("RestartSec", "5s\nExecStartPre=/bin/sh"),
                Arguments.of("MemoryMax", "512k"),
                Arguments.of("MemoryMax", "512MB"),
                Arguments.of("MemoryMax", "1.5G"),
                Arguments.of("MemoryMax", "-1"),
                Arguments.of("MemoryMax", "0"),
                Arguments.of("MemoryMax", "1K"),
                Arguments.of("MemoryMax", "0%"),
                Arguments.of("MemoryMax", "101%"),
                Arguments.of("MemoryMax", "9999999999999999"),
                Arguments.of("MemoryMax", "9999999999999999T"),
                Arguments.of("MemoryMax", "1025T"),
                Arguments.of("MemoryMax", "Infinity"),
                Arguments.of("CPUQuota", "0%"),
                Arguments.of("CPUQuota", "-50%"),
                Arguments.of("CPUQuota", "100001%"),
                Arguments.of("CPUQuota", "50"),
                Arguments.of("CPUQuota", "50%\n"),
                Arguments.of("CPUQuota", "5%%"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("hostile")
    void refusesHostileInputNamingTheField(String field, String value) {
        Map<String, String> form = goodForm();
        form.put(field, value);

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> ServiceSpec.validate(form));

        assertThat(e).as("%s=%s must be refused", field, value).isNotNull();
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).startsWith(field + ": ").isEqualTo(field + ": " + e.reason());
    }

    @Test
    void thereAreEnoughHostileCases() {
        assertThat(hostile().count()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void reasonsSayWhatIsWrong() {
        assertThat(reason("ExecStart", "/usr/bin/../../bin/sh")).isEqualTo("the program's path must not contain '.' or '..'");
        assertThat(reason("ExecStart", "bin/sh")).startsWith("must start with the absolute path of the program");
        assertThat(reason("ExecStart", "/opt/app %n")).startsWith("must not contain '%'");
        assertThat(reason("ExecStart", "/opt/app $HOME")).startsWith("must not contain '$'");
        assertThat(reason("Description", "foo\nExecStartPre=/bin/rm -rf /"))
                .isEqualTo("must not contain control or invisible characters (found U+000A)");
        assertThat(reason("Description", "foo\u2028bar")).endsWith("(found U+2028)");
        assertThat(reason("Description", "x".repeat(201))).isEqualTo("must be at most 200 characters");
        assertThat(reason("RestartSec", "2d")).isEqualTo("must be at most one day");
        assertThat(reason("CPUQuota", "100001%")).isEqualTo("must be from 1% to 100000%");
        assertThat(reason("After", "getty@.service")).isEqualTo("'getty@.service' is a template; name an instance of it");
    }

    @Test
    void theFirstBadFieldInFormOrderIsNamed() {
        Map<String, String> form = goodForm();
        form.put("CPUQuota", "bad");
        form.put("ExecStart", "bad");
        assertThat(catchThrowableOfType(InvalidInputException.class, () -> ServiceSpec.validate(form)).field())
                .isEqualTo("ExecStart");
    }

    @Test
    void aGoodFormGivesItsValues() {
        ServiceSpec spec = ServiceSpec.validate(goodForm());

        assertThat(spec.description()).isEqualTo("Billing API");
        assertThat(spec.after()).extracting(UnitName::name).containsExactly("network-online.target", "postgresql.service");
        assertThat(spec.type()).isEqualTo("exec");
        assertThat(spec.user()).isEqualTo("billing");
        assertThat(spec.execStart()).containsExactly("/opt/billing/bin/api", "--port", "8080");
        assertThat(spec.restart()).isEqualTo("on-failure");
        assertThat(spec.restartSec()).isEqualTo("5s");
        assertThat(spec.memoryMax()).isEqualTo("512M");
        assertThat(spec.cpuQuota()).isEqualTo("50%");
        assertThat(spec.wantedBy()).extracting(UnitName::name).containsExactly("multi-user.target");
    }

    @Test
    void onlyDescriptionAndExecStartAreRequired() {
        ServiceSpec spec = ServiceSpec.validate(Map.of("Description", "x", "ExecStart", "/bin/true"));

        assertThat(spec.after()).isEmpty();
        assertThat(spec.type()).isEqualTo("simple");
        assertThat(spec.user()).isEmpty();
        assertThat(spec.restart()).isEqualTo("no");
        assertThat(spec.restartSec()).isEmpty();
        assertThat(spec.memoryMax()).isEmpty();
        assertThat(spec.cpuQuota()).isEmpty();
        assertThat(spec.wantedBy()).extracting(UnitName::name).containsExactly("multi-user.target");
    }

    @Test
    void blankOptionalFieldsTakeTheirDefaults() {
        Map<String, String> form = goodForm();
        for (String f : List.of("After", "Type", "User", "Restart", "RestartSec", "MemoryMax", "CPUQuota", "WantedBy")) {
            form.put(f, "  ");
        }
        ServiceSpec spec = ServiceSpec.validate(form);
        assertThat(spec.type()).isEqualTo("simple");
        assertThat(spec.restart()).isEqualTo("no");
        assertThat(spec.wantedBy()).containsExactly(ServiceSpec.DEFAULT_WANTED_BY);
    }

    @Test
    void spacesAreTrimmedAndCollapsed() {
        Map<String, String> form = goodForm();
        form.put("Description", "  Billing API  ");
        form.put("ExecStart", "  /opt/app   --port   8080 ");
        form.put("After", " a.target   b.service ");
        form.put("RestartSec", "1min   30s");

        ServiceSpec spec = ServiceSpec.validate(form);

        assertThat(spec.description()).isEqualTo("Billing API");
        assertThat(spec.execStart()).containsExactly("/opt/app", "--port", "8080");
        assertThat(spec.after()).extracting(UnitName::name).containsExactly("a.target", "b.service");
        assertThat(spec.restartSec()).isEqualTo("1min 30s");
    }

    @ParameterizedTest
    @ValueSource(strings = { "0", "5", "86400", "5s", "500ms", "1min 30s", "2h", "1d", "23h 59min 59s", "10sec", "3m" })
    void restartSecAcceptsSimpleSpansUpToADay(String value) {
        assertThat(with("RestartSec", value).restartSec()).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = { "infinity", "1M", "1024K", "1048576", "512M", "2G", "1T", "1024T", "1%", "100%" })
    void memoryMaxAcceptsSizesPercentagesAndInfinity(String value) {
        assertThat(with("MemoryMax", value).memoryMax()).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = { "1%", "50%", "100%", "250%", "100000%" })
    void cpuQuotaAcceptsPercentagesOfOneCpu(String value) {
        assertThat(with("CPUQuota", value).cpuQuota()).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = { "root", "www-data", "_apt", "svc$", "abcdefghijklmnopqrstuvwxyz012345" })
    void userAcceptsLinuxUserNames(String value) {
        assertThat(with("User", value).user()).isEqualTo(value);
    }

    @Test
    void descriptionMayHoldAnyPrintableText() {
        String text = "Süddeutsche Zeitung – 50% faster; #1 \"quoted\" $HOME";
        assertThat(with("Description", text).description()).isEqualTo(text);
    }

    @Test
    void execStartArgumentsMayHoldOrdinaryPunctuation() {
        assertThat(with("ExecStart", "/usr/bin/java -Xmx512m -jar /opt/app.jar --url=http://x:8080/a?b=c#d --x;y")
                .execStart()).containsExactly("/usr/bin/java", "-Xmx512m", "-jar", "/opt/app.jar",
                        "--url=http://x:8080/a?b=c#d", "--x;y");
    }

    @Test
    void theConstructorChecksEveryFieldAgain() {
        List<UnitName> none = List.of();
        List<String> cmd = List.of("/bin/true");
        assertThatThrownBy(() -> new ServiceSpec("x\nUser=root", none, "simple", "", cmd, "no", "", "", "", none))
                .isInstanceOf(InvalidInputException.class).extracting(e -> ((InvalidInputException) e).field())
                .isEqualTo("Description");
        assertThatThrownBy(() -> new ServiceSpec("x", none, "simple", "", List.of("/bin/sh", "-c", "$X"), "no", "", "", "",
                none)).extracting(e -> ((InvalidInputException) e).field()).isEqualTo("ExecStart");
        assertThatThrownBy(() -> new ServiceSpec("x", List.of(new UnitName("a@.service")), "simple", "", cmd, "no", "",
                "", "", none)).extracting(e -> ((InvalidInputException) e).field()).isEqualTo("After");
        assertThatThrownBy(() -> new ServiceSpec("x", none, "simple", "", cmd, "no", "", "", "1%\n", none))
                .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("CPUQuota");
    }

    @Test
    void theConstructorAcceptsWhatValidateGave() {
        ServiceSpec spec = ServiceSpec.validate(goodForm());
        assertThat(new ServiceSpec(spec.description(), spec.after(), spec.type(), spec.user(), spec.execStart(),
                spec.restart(), spec.restartSec(), spec.memoryMax(), spec.cpuQuota(), spec.wantedBy())).isEqualTo(spec);
    }

    private static ServiceSpec with(String field, String value) {
        Map<String, String> form = goodForm();
        form.put(field, value);
        return ServiceSpec.validate(form);
    }

    private static String reason(String field, String value) {
        Map<String, String> form = goodForm();
        form.put(field, value);
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> ServiceSpec.validate(form));
        assertThat(e.field()).isEqualTo(field);
        return e.reason();
    }
}
