package io.hostdeck.system;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

@Controller
class HomeController {

    private final HostOverviewService overview;

    HomeController(HostOverviewService overview) {
        this.overview = overview;
    }

    @GetMapping("/")
    String home(Model model) {
        model.addAttribute("overview", overview.overview());
        // the whole host's history is the root cgroup's: for those who may see every cgroup
        model.addAttribute("wholeHost", io.hostdeck.security.Scope.current().all());
        return "system/home";
    }
}
