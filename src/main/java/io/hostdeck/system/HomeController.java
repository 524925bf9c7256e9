package io.hostdeck.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

import io.hostdeck.error.InvalidInputException;

@Controller
class HomeController {

    private final HostOverviewService overview;
    private final HostSampler sampler;

    HomeController(HostOverviewService overview, HostSampler sampler) {
        this.overview = overview;
        this.sampler = sampler;
    }

    @GetMapping("/")
    String home(Model model) {
        model.addAttribute("overview", overview.overview());
        return "system/home";
    }

    /**
     * The host's history for the home page's charts, {@code range=15m} (at the tick) or {@code 24h}
     * (a point every 5 minutes): every series by key ({@code host}, {@code cores}, {@code net:NAME},
     * {@code fs:MOUNT}), each as columns, times (epoch s) first, null for gaps.
     */
    @GetMapping(value = "/host/history", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    Map<String, Object> history(@RequestParam(required = false) String range) {
        return historyJson(sampler, range);
    }

    static Map<String, Object> historyJson(HostSampler sampler, String range) {
        String r = range == null || range.isBlank() ? "15m" : range;
        if (!r.equals("15m") && !r.equals("24h")) {
            throw new InvalidInputException("range", "'" + r + "' is neither 15m nor 24h");
        }
        Map<String, List<List<Double>>> series = new LinkedHashMap<>();
        sampler.history(r.equals("24h")).forEach((key, s) -> series.put(key, io.hostdeck.cgroups.History.columns(s)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("range", r);
        out.put("hostColumns", HostSampler.HOST_COLUMNS);
        out.put("series", series);
        return out;
    }
}
