package io.hostdeck.containers;

import org.springframework.web.util.UriUtils;

import io.hostdeck.host.runtime.ContainerRuntimes;
import io.hostdeck.host.runtime.RuntimeContainer;

/** A runtime's container as a URL names it, {@code /containers/podman/web1}: checked before anything is asked. */
record RuntimeRef(String runtime, String name) {

    static RuntimeRef parse(String runtime, String name) {
        if (!ContainerRuntimes.RUNTIMES.contains(runtime)) {
            throw new io.hostdeck.error.InvalidInputException("runtime", "is one of " + ContainerRuntimes.RUNTIMES
                    + ", not '" + runtime + "'");
        }
        ContainerRuntimes.checkName(name);
        return new RuntimeRef(runtime, name);
    }

    static String href(RuntimeContainer c) {
        return "/containers/" + c.runtime() + "/" + UriUtils.encodePathSegment(c.name(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return runtime + "/" + name;
    }
}
