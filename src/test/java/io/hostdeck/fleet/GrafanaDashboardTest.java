package io.hostdeck.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * packaging/grafana/hostdeck-fleet.json runs the fleet page's own queries: each target's expression
 * is a {@link FleetQueries} query with Grafana's variables in place of the page's filters; and
 * the README lists the same queries.
 */
class GrafanaDashboardTest {

    static final String SELECTOR = "job=\"$job\"";
    static final String HOSTS = " and on (instance) last_over_time(hostdeck_info{job=\"$job\",hostname=~\"$host\"}[1h])";

    @Test
    void everyPanelRunsTheFleetPagesQueries() throws Exception {
        JsonNode dashboard = JsonMapper.builder().build()
                .readTree(Files.readString(Path.of("packaging/grafana/hostdeck-fleet.json")));
        Set<String> seen = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String id = target.path("legendFormat").asString();
                FleetQueries.Query q = FleetQueries.ALL.stream().filter(x -> x.id().equals(id)).findFirst()
                        .orElseThrow(() -> new AssertionError("panel " + panel.path("title") + ": no fleet query " + id));
                assertThat(target.path("expr").asString()).as(id)
                        .isEqualTo(q.render(SELECTOR, "", HOSTS, "$__rate_interval"));
                seen.add(id);
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(FleetQueries.ALL.stream().map(FleetQueries.Query::id).toList());
        // the host variable is the page's host filter: a regular expression on hostdeck_info's hostname
        assertThat(dashboard.path("templating").path("list").toString()).contains("label_values(hostdeck_info{job=\\\"$job\\\"}, hostname)");
    }

    @Test
    void theReadmeListsTheQueriesAsThePageRunsThem() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (FleetQueries.Query q : FleetQueries.ALL) {
            assertThat(readme).as(q.id()).contains("# " + q.id() + ": ")
                    .contains("\n" + q.render("job=\"hostdeck\"", "", "", "1m") + "\n");
        }
    }
}
