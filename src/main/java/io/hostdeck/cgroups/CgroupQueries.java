package io.hostdeck.cgroups;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.cgroupfs.CgroupFs;
import io.hostdeck.host.cgroupfs.CgroupMode;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.security.Scope;
import io.hostdeck.security.UnitAccess;
import io.hostdeck.web.Paging;

/**
 * What the cgroup pages and the API read, once for both: the top table or tree, one cgroup with
 * its processes, one cgroup's history. The tree is for grants over every unit; a limited grant
 * sees only the cgroups of its own units ({@link #requireInScope}). Each read checks that first.
 */
@Component
class CgroupQueries {

    /** The most processes listed for one cgroup. */
    static final int MAX_PROCESSES = 500;

    private final CgroupSampler sampler;
    private final CgroupFs cgroupFs;
    private final ProcFs procFs;

    CgroupQueries(CgroupSampler sampler, CgroupFs cgroupFs, ProcFs procFs) {
        this.sampler = sampler;
        this.cgroupFs = cgroupFs;
        this.procFs = procFs;
    }

    /** A process in a cgroup: its PID and command line. */
    record Process(long pid, String command) {
    }

    /**
     * The table as asked for: {@code layout} top (largest first, as systemd-cgtop) or tree (by path).
     *
     * @param total how many cgroups were sampled, shown or not
     */
    record Top(CgroupView query, String layout, CgroupMode mode, Paging.Page<CgroupRates> page, int total,
            long intervalMillis) {

        /** The rows of the page asked for. */
        List<CgroupRates> rows() {
            return page.rows();
        }
    }

    /**
     * One cgroup: its latest numbers and processes; {@code unit} is the unit that owns it, if any;
     * {@code range} the history range asked for, checked (null when none was).
     */
    record One(String path, String unit, CgroupMode mode, CgroupRates rates, List<Process> processes,
            HistoryRange range) {
    }

    /**
     * Every sampled cgroup down to {@code depth}, sorted by {@code sort}, as the top table
     * ({@code view} top or absent) or the tree; of those, the rows of {@code paging}'s page.
     */
    Top top(String sort, String depth, String view, Paging paging) {
        Scope.current().requireAll("the cgroup tree");
        CgroupView v = CgroupView.of(sort, depth);
        String layout = view == null || view.isBlank() ? "top" : view;
        if (!layout.equals("top") && !layout.equals("tree")) {
            throw new InvalidInputException("view", "'" + layout + "' is neither top nor tree");
        }
        Map<String, CgroupRates> latest = sampler.latest();
        List<CgroupRates> rows = layout.equals("tree") ? new CgroupView("path", v.depth()).rows(latest) : v.rows(latest);
        return new Top(v, layout, cgroupFs.mode(), paging.of(rows), latest.size(), sampler.interval().toMillis());
    }

    /**
     * One cgroup, once it has been sampled. {@code range}, when given, is checked too (before the
     * cgroup is looked for), so a page or answer that will show that history asks for a real one.
     */
    One one(String path, String range) {
        String p = CgroupPaths.require("path", path);
        requireInScope(p);
        HistoryRange r = range == null ? null : HistoryRange.of(range);
        CgroupRates rates = sampler.latest().get(p);
        if (rates == null) {
            throw new NotFoundException("no cgroup " + p + " on this host (or it has not been sampled yet)");
        }
        List<Process> processes = cgroupFs.processes(p).stream().limit(MAX_PROCESSES)
                .map(pid -> new Process(pid, procFs.commandLine(pid).orElse(""))).toList();
        return new One(p, CgroupPaths.unit(p), cgroupFs.mode(), rates, processes, r);
    }

    /**
     * A cgroup's history for its charts: times (epoch s) and one column per series, null for gaps
     * (JSON has no NaN).
     */
    record History(String path, HistoryRange range, List<List<Double>> columns) {
    }

    /** One cgroup's history over {@code range}; not found while the sampler has none. */
    History history(String path, String range) {
        String p = CgroupPaths.require("path", path);
        requireInScope(p);
        HistoryRange r = HistoryRange.of(range);
        return historyIfAny(p, r).orElseThrow(() -> new NotFoundException("no history of " + p));
    }

    /** The history of a cgroup {@link #one} answered, empty while the sampler has none. */
    Optional<History> historyIfAny(String path, HistoryRange range) {
        return sampler.history(path, range.day()).map(s -> new History(path, range, columns(s)));
    }

    /**
     * The scope rule of cgroups: a limited grant sees only the cgroups of its own units, by the unit
     * that owns the cgroup, not its last path part. For pages, the API and the live topic alike.
     */
    static void requireInScope(Authentication grant, String path) {
        UnitAccess.requireCgroup(grant, path);
    }

    /** {@link #requireInScope(Authentication, String)} for the request's grant. */
    static void requireInScope(String path) {
        requireInScope(SecurityContextHolder.getContext().getAuthentication(), path);
    }

    /** Columns with null for gaps (JSON has no NaN). */
    static List<List<Double>> columns(double[][] s) {
        List<List<Double>> out = new ArrayList<>(s.length);
        for (double[] column : s) {
            List<Double> c = new ArrayList<>(column.length);
            for (double d : column) {
                c.add(Double.isNaN(d) ? null : d);
            }
            out.add(c);
        }
        return out;
    }
}
