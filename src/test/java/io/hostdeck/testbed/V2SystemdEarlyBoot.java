package io.hostdeck.testbed;

import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * With {@code -Dhostdeck.v2systemd.early=true}: starts the v2 systemd testbed's boot (about 100 s
 * of emulation) in the background as soon as a run's test plan holds a test class that needs it,
 * so that the boot overlaps the tests that run before it. Off by default: the emulation takes one
 * to two of the machine's cores, and in a whole run beside it LiveUnitsIT, ServicesBrowserIT and
 * MetricsIT (which wait a second or a few for live updates and sampler ticks) failed. Registered
 * through META-INF/services; a plan without such a class boots nothing.
 */
public final class V2SystemdEarlyBoot implements TestExecutionListener {

    static final String NEEDS_IT = "io.hostdeck.system.V2SystemdIT";

    /** Opt-in: the guest's emulation takes one to two cores, which slows the timing-sensitive ITs beside it. */
    static final String SWITCH = "hostdeck.v2systemd.early";

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        if (!Boolean.getBoolean(SWITCH)) {
            return;
        }
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier child : plan.getChildren(root)) {
                if (child.getSource().filter(s -> s instanceof ClassSource c && c.getClassName().equals(NEEDS_IT)).isPresent()) {
                    System.err.println("v2systemd: booting in the background for " + NEEDS_IT);
                    V2Systemd.bootInBackground();
                    return;
                }
            }
        }
    }
}
