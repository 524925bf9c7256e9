package io.hostdeck.containers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.util.MultiValueMap;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import io.hostdeck.cgroups.CgroupPaths;
import io.hostdeck.cgroups.CgroupSampler;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.namespaces.Container;
import io.hostdeck.host.namespaces.NamespaceScanner;
import io.hostdeck.host.namespaces.NamespaceScanner.Snapshot;
import io.hostdeck.host.namespaces.NsExec;
import io.hostdeck.host.namespaces.NsType;
import io.hostdeck.host.namespaces.ProcessInfo;
import io.hostdeck.host.systemd.JobOutcome;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.security.Scope;
import io.hostdeck.web.Flash;

/** The containers found from the kernel's own view, one container's detail, and every namespace like lsns. */
@Controller
class ContainersController {

    /** USER_HZ: the unit of /proc/PID/stat's start time, 100 on every architecture Hostdeck runs on. */
    private static final long TICKS_PER_SECOND = 100;

    private final NamespaceScanner scanner;
    private final ProcFs procFs;
    private final CgroupSampler sampler;
    private final ContainerActions actions;

    ContainersController(NamespaceScanner scanner, ProcFs procFs, CgroupSampler sampler, ContainerActions actions) {
        this.scanner = scanner;
        this.procFs = procFs;
        this.sampler = sampler;
        this.actions = actions;
    }

    @GetMapping("/containers")
    String list(@RequestParam(defaultValue = "") String sandboxes, Model model) {
        if (!sandboxes.isEmpty() && !sandboxes.equals("shown")) {
            throw new InvalidInputException("sandboxes", "is 'shown' or absent, not '" + sandboxes + "'");
        }
        Scope.current().requireAll("the container list");
        boolean all = sandboxes.equals("shown");
        Snapshot s = scanner.scan();
        double uptime = procFs.uptimeSeconds();
        List<ContainerRow> rows = new ArrayList<>();
        int hidden = 0;
        for (Container c : s.containers()) {
            if (c.serviceSandbox() && !all) {
                hidden++;
                continue;
            }
            rows.add(row(c, uptime));
        }
        model.addAttribute("rows", rows);
        model.addAttribute("hiddenSandboxes", hidden);
        model.addAttribute("sandboxesShown", all);
        model.addAttribute("types", ContainerRow.TYPES);
        model.addAttribute("interval", sampler.interval().toMillis());
        return "containers/list";
    }

    /** The sandbox form (admin); the fields as {@link SandboxRequest} reads them. */
    @GetMapping("/containers/launch")
    ModelAndView launchForm() {
        Scope.current().requireAll("a sandbox");
        Map<String, String> values = new LinkedHashMap<>();
        values.put("namespaces", "pid,net,mnt,uts,ipc");
        values.put("uidMap", SandboxRequest.DEFAULT_UID_MAP);
        return launchForm(values);
    }

    /** Launches it; a bad field sends the form back with a 400 that names it, and nothing starts. */
    @PostMapping("/containers/launch")
    ModelAndView launch(@RequestParam MultiValueMap<String, String> form, RedirectAttributes redirect) {
        Map<String, String> values = new LinkedHashMap<>();
        form.forEach((k, v) -> values.put(k, String.join(",", v)));
        try {
            SandboxRequest request = SandboxRequest.parse(values);
            JobOutcome outcome = actions.launch(request);
            redirect.addFlashAttribute("flash", outcome.done()
                    ? Flash.ok("Launched " + request.unit() + "; it is listed once its namespaces are up.")
                    : new Flash("error", "Launching " + request.unit() + ": " + outcome.result()
                            + "; its log says why."));
            return new ModelAndView("redirect:/containers");
        } catch (InvalidInputException e) {
            ModelAndView mv = launchForm(values);
            mv.addObject("problem", e);
            mv.setStatus(HttpStatus.BAD_REQUEST);
            return mv;
        }
    }

    private static ModelAndView launchForm(Map<String, String> values) {
        ModelAndView mv = new ModelAndView("containers/launch");
        mv.addObject("values", values);
        mv.addObject("types", SandboxRequest.TYPES);
        mv.addObject("chosen", List.of(values.getOrDefault("namespaces", "").split(",")));
        return mv;
    }

    @GetMapping("/containers/{id}")
    String detail(@PathVariable String id, Model model) {
        Scope.current().requireAll("a container");
        Container c = scanner.scan().require(id);
        ContainerRow row = row(c, procFs.uptimeSeconds());
        model.addAttribute("row", row);
        model.addAttribute("c", c);
        model.addAttribute("types", ContainerRow.TYPES);
        model.addAttribute("unit", CgroupPaths.unit(c.cgroup()));
        model.addAttribute("uidMap", c.privateNs().containsKey(NsType.USER) ? procFs.idMap(c.init().pid(), "uid_map") : List.of());
        model.addAttribute("gidMap", c.privateNs().containsKey(NsType.USER) ? procFs.idMap(c.init().pid(), "gid_map") : List.of());
        return "containers/detail";
    }

    @PostMapping("/containers/{id}/stop")
    String stop(@PathVariable String id, RedirectAttributes redirect) {
        String outcome = actions.stop(id);
        redirect.addFlashAttribute("flash", Flash.ok("Stopped " + id + ": " + outcome + "."));
        return "redirect:/containers";
    }

    @PostMapping("/containers/{id}/{verb:freeze|thaw}")
    String freeze(@PathVariable String id, @PathVariable String verb, RedirectAttributes redirect) {
        String outcome = actions.freeze(id, verb.equals("freeze"));
        redirect.addFlashAttribute("flash", Flash.ok(id + " " + outcome + "."));
        return "redirect:/containers/" + id;
    }

    @PostMapping("/containers/{id}/exec")
    String exec(@PathVariable String id, @RequestParam(defaultValue = "") String command, Model model) {
        NsExec.Result result = actions.exec(id, command);
        model.addAttribute("result", result);
        model.addAttribute("command", command);
        return "containers/exec :: output";
    }

    /** Every namespace on the target, like lsns; with ?pid=N, that process's /proc/N/ns. */
    @GetMapping("/namespaces")
    String namespaces(@RequestParam(required = false) String pid, Model model) {
        Scope.current().requireAll("the namespace list");
        Snapshot s = scanner.scan();
        Map<String, NsRow> byKey = new LinkedHashMap<>();
        for (ProcessInfo p : s.processes()) {
            p.namespaces().forEach((t, inode) -> byKey.computeIfAbsent(t.file() + ":" + inode,
                    k -> new NsRow(t, inode, p, p.namespaces().get(NsType.USER), new ArrayList<>())).members().add(p));
        }
        List<NsRow> rows = new ArrayList<>(byKey.values());
        rows.sort(Comparator.comparing((NsRow r) -> r.type().ordinal()).thenComparingLong(NsRow::inode));
        model.addAttribute("rows", rows);
        model.addAttribute("hostNs", s.hostNs());
        if (pid != null && !pid.isEmpty()) {
            if (!pid.matches("[0-9]{1,10}")) {
                throw new InvalidInputException("pid", "'" + pid + "' is not a process id");
            }
            ProcessInfo p = s.processes().stream().filter(x -> x.pid() == Long.parseLong(pid)).findFirst()
                    .orElseThrow(() -> new NotFoundException("no process " + pid + " (or it is a kernel thread)"));
            model.addAttribute("process", p);
        }
        return "containers/namespaces";
    }

    /** One namespace: its type and inode, its first process (lowest PID), the user namespace that process is in. */
    public record NsRow(NsType type, long inode, ProcessInfo first, Long userNs, List<ProcessInfo> members) {
    }


    private ContainerRow row(Container c, double uptime) {
        long age = Math.max(0, (long) (uptime - c.init().startTicks() / (double) TICKS_PER_SECOND));
        return new ContainerRow(c, sampler.latest().get(c.cgroup()), procFs.netDev(c.init().pid()), age, actions.frozen(c));
    }
}
