package io.hostdeck.system;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.hostdeck.error.NotFoundException;
import io.hostdeck.web.JsonApi;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** The host's figures over the JSON API, as the home page shows them: the last tick and the history. */
@RestController
@JsonApi
@Tag(name = "host", description = "the whole host's CPU, memory, load, disks and interfaces")
class HostApi {

    private final HostSampler sampler;

    HostApi(HostSampler sampler) {
        this.sampler = sampler;
    }

    @GetMapping("/api/host")
    @Operation(summary = "The host's figures at the last tick: CPU (all, each core), memory, swap, load, uptime, disk IO, interfaces, file systems")
    HostSampler.Now now() {
        return sampler.latest().orElseThrow(() -> new NotFoundException("no host figures yet: the first tick is still to come"));
    }

    @GetMapping("/api/host/history")
    @Operation(summary = "The host's history (range 15m or 24h), every series by key: host, cores, net:NAME, fs:MOUNT")
    Map<String, Object> history(@RequestParam(required = false) String range) {
        return HomeController.historyJson(sampler, range);
    }
}
