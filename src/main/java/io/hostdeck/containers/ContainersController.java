package io.hostdeck.containers;

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
import io.hostdeck.host.namespaces.Container;
import io.hostdeck.host.systemd.JobOutcome;
import io.hostdeck.security.Scope;
import io.hostdeck.web.Flash;

/** The containers found from the kernel's own view, one container's detail, and every namespace like lsns. */
@Controller
class ContainersController {

    private final ContainerQueries queries;
    private final CgroupSampler sampler;
    private final ContainerActions actions;
    private final ContainerStops stops;

    ContainersController(ContainerQueries queries, CgroupSampler sampler, ContainerActions actions, ContainerStops stops) {
        this.stops = stops;
        this.queries = queries;
        this.sampler = sampler;
        this.actions = actions;
    }

    @GetMapping("/containers")
    String list(@RequestParam(defaultValue = "") String sandboxes, Model model) {
        long at = System.currentTimeMillis();
        ContainerQueries.Listing listing = queries.list(sandboxes);
        model.addAttribute("at", at);
        model.addAttribute("roster", listing.roster());
        model.addAttribute("rows", listing.rows());
        model.addAttribute("hiddenSandboxes", listing.hiddenSandboxes());
        model.addAttribute("sandboxesShown", listing.sandboxesShown());
        model.addAttribute("ownReference", listing.ownReference());
        model.addAttribute("notRunning", listing.notRunning());
        model.addAttribute("runtimeProblems", listing.runtimeProblems());
        model.addAttribute("stops", stops.recent());
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
        // no uid map filled in: it needs the user namespace, which is not chosen by default (an empty
        // field takes the default map when it is)
        return launchForm(values);
    }

    /** Launches it; a bad field sends the form back with a 400 that names it, and nothing starts. */
    @PostMapping("/containers/launch")
    ModelAndView launch(@RequestParam MultiValueMap<String, String> form, RedirectAttributes redirect) {
        Scope.current().requireAll("a sandbox"); // who may, before what: a limited grant learns nothing from its fields
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
        mv.addObject("defaultUidMap", SandboxRequest.DEFAULT_UID_MAP);
        mv.addObject("types", SandboxRequest.TYPES);
        mv.addObject("chosen", List.of(values.getOrDefault("namespaces", "").split(",")));
        return mv;
    }

    @GetMapping("/containers/{id}")
    String detail(@PathVariable String id, Model model) {
        ContainerRow row = queries.one(id);
        Container c = row.container();
        if (!c.id().equals(id)) {
            // an id from the moment before the container's fork: its address from now on
            return "redirect:/containers/" + c.id();
        }
        model.addAttribute("row", row);
        model.addAttribute("c", c);
        model.addAttribute("types", ContainerRow.TYPES);
        model.addAttribute("unit", CgroupPaths.unit(c.cgroup()));
        model.addAttribute("uidMap", queries.idMap(c, "uid_map"));
        model.addAttribute("gidMap", queries.idMap(c, "gid_map"));
        return "containers/detail";
    }

    /** A runtime's container by its name or id: stable across restarts. */
    @GetMapping("/containers/{runtime:docker|podman}/{name}")
    String runtimeDetail(@PathVariable String runtime, @PathVariable String name, Model model) {
        model.addAttribute("at", System.currentTimeMillis());
        ContainerQueries.RuntimeDetail d = queries.runtimeOne(RuntimeRef.parse(runtime, name));
        model.addAttribute("rc", d.container());
        model.addAttribute("row", d.row());
        model.addAttribute("href", RuntimeRef.href(d.container()));
        return "containers/runtime";
    }

    /** Its last lines of output from the runtime's log API, as plain text. */
    @GetMapping("/containers/{runtime:docker|podman}/{name}/logs")
    @org.springframework.web.bind.annotation.ResponseBody
    org.springframework.http.ResponseEntity<String> runtimeLogs(@PathVariable String runtime, @PathVariable String name,
            @RequestParam(defaultValue = "200") String tail) {
        return org.springframework.http.ResponseEntity.ok()
                .contentType(org.springframework.http.MediaType.parseMediaType("text/plain;charset=UTF-8"))
                .body(queries.logs(RuntimeRef.parse(runtime, name), ContainerQueries.tail(tail)));
    }

    /**
     * Follows its output as plain text, like {@code podman logs -f}: the last tail= lines, then each
     * new one as it comes, until the container ends or the reader leaves. It holds a request
     * thread while it lasts (no async timeout cuts it short).
     */
    @GetMapping(value = "/containers/{runtime:docker|podman}/{name}/logs", params = "follow=true")
    void followLogs(@PathVariable String runtime, @PathVariable String name, @RequestParam(defaultValue = "200") String tail,
            jakarta.servlet.http.HttpServletResponse response) throws java.io.IOException {
        RuntimeRef ref = RuntimeRef.parse(runtime, name);
        int lines = ContainerQueries.tail(tail);
        var c = queries.toFollow(ref);
        response.setContentType("text/plain;charset=UTF-8");
        response.setHeader("X-Accel-Buffering", "no");
        response.setHeader("Cache-Control", "no-store");
        try {
            queries.follow(c, lines, response.getOutputStream());
        } catch (java.io.IOException e) {
            if (!response.isCommitted()) {
                throw new io.hostdeck.host.HostUnavailableException(runtime + "'s logs of " + c.name() + ": " + e.getMessage(), e);
            }
            // the reader left, or the runtime's stream broke off: nothing more to send
        }
    }

    @PostMapping("/containers/{runtime:docker|podman}/{name}/{verb:stop|start|restart|pause|unpause|remove}")
    String runtimeAction(@PathVariable String runtime, @PathVariable String name, @PathVariable String verb,
            @RequestParam(defaultValue = "") String timeout, RedirectAttributes redirect) {
        RuntimeRef ref = RuntimeRef.parse(runtime, name);
        Integer t = ContainerQueries.timeout(timeout);
        String back = "redirect:/containers/" + runtime + "/" + org.springframework.web.util.UriUtils.encodePathSegment(name,
                java.nio.charset.StandardCharsets.UTF_8);
        switch (verb) {
            case "stop" -> {
                actions.runtimeStop(ref, t);
                redirect.addFlashAttribute("flash", Flash.ok("Stopping " + ref + " through " + runtime
                        + ": how it ends shows under Stops on the list."));
            }
            case "remove" -> {
                actions.runtimeRemove(ref);
                redirect.addFlashAttribute("flash", Flash.ok(ref + " removed."));
                return "redirect:/containers";
            }
            default -> redirect.addFlashAttribute("flash", Flash.ok(ref + " " + actions.runtimeAction(ref, verb, t) + "."));
        }
        return back;
    }

    @PostMapping("/containers/{id}/stop")
    String stop(@PathVariable String id, RedirectAttributes redirect) {
        String how = actions.stop(id);
        redirect.addFlashAttribute("flash", Flash.ok((how.equals("stopping") ? "Stopping " + id : "Stopping " + id + " " + how.substring(
                "stopping ".length())) + ": how it ends shows under Stops below."));
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
        ContainerActions.ExecResult result = actions.exec(id, command);
        model.addAttribute("result", result);
        model.addAttribute("command", command);
        return "containers/exec :: output";
    }

    /** Every namespace on the target, like lsns; with ?pid=N, that process's /proc/N/ns. */
    @GetMapping("/namespaces")
    String namespaces(@RequestParam(required = false) String pid, Model model) {
        ContainerQueries.Namespaces ns = queries.namespaces(pid);
        model.addAttribute("rows", ns.rows());
        model.addAttribute("hostNs", ns.hostNs());
        model.addAttribute("process", ns.process());
        model.addAttribute("ownReference", ns.ownReference());
        return "containers/namespaces";
    }
}
