package io.hostdeck.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.WebSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The services list and the cgroup table in pages, on the testbed's systemd: 12 units of the test's
 * own and 7 of a scoped grant's, pages of 5 (the size in the URL, as the default of 200 would need
 * hundreds of units): counts of all matching rows, a sort that holds across pages, filters, the
 * pager's links, a scoped user's count, the JSON API's pages and 400s for bad paging values.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListPagingIT extends AppOnTestbed {

    private static final Pattern ROW = Pattern.compile("<tr id=\"unit-([^\"]+)\"");
    private static final Pattern CG_ROW = Pattern.compile("<tr data-path=\"([^\"]+)\"");
    private static final Pattern SECRET = Pattern.compile("id=\"token-secret\">(hd_[0-9a-f]{16}_[A-Za-z0-9_-]{43})<");
    private static final int OWN = 12;
    private static final int SCOPED = 7;

    @BeforeAll
    void startUnits() {
        for (int i = 1; i <= OWN; i++) {
            inTestbed("systemd-run", "--unit=" + own(i), "/bin/sleep", "infinity");
        }
        for (int i = 1; i <= SCOPED; i++) {
            inTestbed("systemd-run", "--unit=" + scoped(i), "/bin/sleep", "infinity");
        }
    }

    @AfterAll
    void stopUnits() {
        List<String> all = new ArrayList<>(List.of("stop"));
        for (int i = 1; i <= OWN; i++) {
            all.add(own(i));
        }
        for (int i = 1; i <= SCOPED; i++) {
            all.add(scoped(i));
        }
        ctl(all.toArray(String[]::new));
    }

    @Test
    void theServicesListComesInPagesWithTheCountOfAllAndTheSortAcrossThem() {
        var web = logIn("viewer");

        String first = web.get("/services?q=hd-pg-&size=5").body();
        assertThat(rows(first)).containsExactly(own(1), own(2), own(3), own(4), own(5));
        assertThat(first).contains("id=\"row-count\">12<").contains("id=\"row-range\">1–5<")
                .contains("id=\"page-count\">3<")
                .contains("href=\"/services?q=hd-pg-&amp;page=2&amp;size=5\"") // next, every filter kept
                .contains("href=\"/services?q=hd-pg-&amp;page=3&amp;size=5\"") // last
                .doesNotContain("rel=\"prev\"");
        String second = web.get("/services?q=hd-pg-&size=5&page=2").body();
        assertThat(rows(second)).containsExactly(own(6), own(7), own(8), own(9), own(10));
        assertThat(second).contains("id=\"row-count\">12<").contains("id=\"row-range\">6–10<")
                .contains("rel=\"prev\" href=\"/services?q=hd-pg-&amp;size=5\"");
        String last = web.get("/services?q=hd-pg-&size=5&page=3").body();
        assertThat(rows(last)).containsExactly(own(11), own(12));
        assertThat(last).doesNotContain("rel=\"next\"");

        // the sort is over every matching row, then cut into pages
        assertThat(rows(web.get("/services?q=hd-pg-&sort=-name&size=5").body()))
                .containsExactly(own(12), own(11), own(10), own(9), own(8));
        assertThat(rows(web.get("/services?q=hd-pg-&sort=-name&size=5&page=3").body())).containsExactly(own(2), own(1));
        // a sort link goes back to the first page, at the same size
        assertThat(second).contains("href=\"/services?q=hd-pg-&amp;sort=-name&amp;size=5\"");

        // a filter narrows the count; a view that fits on one page has no pager
        String narrowed = web.get("/services?q=hd-pg-1&size=5").body();
        assertThat(rows(narrowed)).containsExactly(own(10), own(11), own(12));
        assertThat(narrowed).contains("id=\"row-count\">3<").doesNotContain("id=\"pager\"");
        assertThat(web.get("/services?q=hd-pg-&state=failed&size=5").body()).contains("id=\"row-count\">0<");

        // a page past the end (a bookmark of a list that shrank) is empty, with the way back
        String past = web.get("/services?q=hd-pg-&size=5&page=9").body();
        assertThat(rows(past)).isEmpty();
        assertThat(past).contains("id=\"past-the-end\"").contains("id=\"row-count\">12<")
                .contains("href=\"/services?q=hd-pg-&amp;page=3&amp;size=5\"");
    }

    @Test
    void aScopedUserCountsAndPagesOnlyItsUnits() {
        var appop = logIn("appop");

        String first = appop.get("/services?q=pg-&size=5").body();
        assertThat(first).contains("id=\"row-count\">7<").contains("id=\"page-count\">2<");
        assertThat(rows(first)).containsExactly(scoped(1), scoped(2), scoped(3), scoped(4), scoped(5));
        assertThat(rows(appop.get("/services?q=pg-&size=5&page=2").body())).containsExactly(scoped(6), scoped(7));
        assertThat(first).doesNotContain(own(1));
    }

    @Test
    void theCgroupTableComesInPagesToo() {
        var web = logIn("viewer");
        awaitCgroups(web);

        String all = web.get("/cgroups?sort=path&depth=2&size=1000").body();
        List<String> every = cgroups(all);
        int count = count(all, "cg-count");
        assertThat(every).hasSize(count).hasSizeGreaterThan(OWN + SCOPED);
        assertThat(all).doesNotContain("id=\"pager\"");

        int size = 10;
        List<String> paged = new ArrayList<>();
        int pages = (count + size - 1) / size;
        for (int p = 1; p <= pages; p++) {
            String page = web.get("/cgroups?sort=path&depth=2&size=" + size + "&page=" + p).body();
            assertThat(count(page, "cg-count")).isEqualTo(count);
            assertThat(page).contains("id=\"page-count\">" + pages + "<");
            if (p < pages) {
                assertThat(page).contains("rel=\"next\" href=\"/cgroups?sort=path&amp;depth=2&amp;page=" + (p + 1)
                        + "&amp;size=10\"");
            }
            paged.addAll(cgroups(page));
        }
        // the pages together are the whole table, in the same order (the sampler's set is stable meanwhile)
        assertThat(paged).containsExactlyElementsOf(every);
        assertThat(paged).contains("/system.slice/" + own(1), "/system.slice/" + scoped(7));

        String tree = web.get("/cgroups?view=tree&size=5&page=2").body();
        assertThat(cgroups(tree)).hasSize(5);
        assertThat(tree).contains("href=\"/cgroups?view=tree&amp;page=3&amp;size=5\"");
    }

    @Test
    void badPagingValuesAre400NamingTheParameter() {
        var web = logIn("viewer");

        for (String path : List.of("/services", "/cgroups")) {
            assertBad(web.get(path + "?page=-1"), "page: -1 is outside 1..1000000");
            assertBad(web.get(path + "?page=0"), "page: 0 is outside 1..1000000");
            assertBad(web.get(path + "?page=two"), "page: &#39;two&#39; is not a whole number");
            assertBad(web.get(path + "?page=99999999999999999999"), "page: 99999999999999999999 is outside");
            assertBad(web.get(path + "?size=100000"), "size: 100000 is outside 1..1000");
            assertBad(web.get(path + "?size=0"), "size: 0 is outside 1..1000");
            assertBad(web.get(path + "?size=1e3"), "size: &#39;1e3&#39; is not a whole number");
        }
    }

    @Test
    void theApiAnswersEverythingByDefaultAndAPageWhenAsked() {
        var viewer = logIn("viewer");
        String token = newToken(viewer);

        var everything = api("/api/units?q=hd-pg-", token);
        assertThat(everything.statusCode()).isEqualTo(200);
        assertThat(names(json(everything.body()), "name")).hasSize(OWN);
        assertThat(everything.headers().firstValue("X-Total-Count")).hasValue("12");

        var page = api("/api/units?q=hd-pg-&sort=-name&size=5&page=2", token);
        assertThat(names(json(page.body()), "name")).containsExactly(own(7), own(6), own(5), own(4), own(3));
        assertThat(page.headers().firstValue("X-Total-Count")).hasValue("12");

        JsonNode tree = json(api("/api/cgroups?sort=path&depth=2", token).body());
        assertThat(tree.get("page").isNull()).isTrue();
        assertThat(tree.get("cgroups").size()).isEqualTo(tree.get("matching").asInt());
        JsonNode cgPage = json(api("/api/cgroups?sort=path&depth=2&size=5&page=2", token).body());
        assertThat(cgPage.get("cgroups").size()).isEqualTo(5);
        assertThat(cgPage.get("page").asInt()).isEqualTo(2);
        assertThat(cgPage.get("matching").asInt()).isEqualTo(tree.get("matching").asInt());
        assertThat(names(cgPage.get("cgroups"), "path")).isEqualTo(names(tree.get("cgroups"), "path").subList(5, 10));

        var bad = api("/api/units?size=-5", token);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("size").contains("-5 is outside 1..1000");
        assertThat(api("/api/cgroups?page=x", token).statusCode()).isEqualTo(400);
    }

    // ------------------------------------------------------------------

    private static String own(int i) {
        return String.format(Locale.ROOT, "hd-pg-%02d.service", i);
    }

    private static String scoped(int i) {
        return String.format(Locale.ROOT, "hd-app-pg-%02d.service", i);
    }

    private static List<String> rows(String page) {
        return ROW.matcher(page).results().map(m -> m.group(1)).toList();
    }

    private static List<String> cgroups(String page) {
        return CG_ROW.matcher(page).results().map(m -> m.group(1)).toList();
    }

    private static int count(String page, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\">(\\d+)<").matcher(page);
        assertThat(m.find()).as(id + " on the page").isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The sampler finds new cgroups at its next pass: until the table has all 19 units'. */
    private static void awaitCgroups(WebSession web) {
        for (int i = 0; i < 50; i++) {
            List<String> shown = cgroups(web.get("/cgroups?sort=path&depth=2&size=1000").body());
            if (shown.contains("/system.slice/" + own(OWN)) && shown.contains("/system.slice/" + scoped(SCOPED))) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void assertBad(HttpResponse<String> r, String message) {
        assertThat(r.statusCode()).as(message).isEqualTo(400);
        assertThat(r.body()).contains(message);
    }

    private static String newToken(WebSession web) {
        var r = web.postForm("/tokens", "name=paging&days=&_csrf=" + enc(web.pageToken("/tokens")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Matcher m = SECRET.matcher(r.body());
        assertThat(m.find()).as("the token is shown").isTrue();
        return m.group(1);
    }

    private HttpResponse<String> api(String path, String token) {
        return new WebSession(port).send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).GET().build());
    }

    private static JsonNode json(String body) {
        return JsonMapper.builder().build().readTree(body);
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asString()));
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
