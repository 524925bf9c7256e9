package io.hostdeck.testbed;

import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Starts the v2 systemd testbed's boot (about 90 s of emulation) in the background as soon as a
 * run's test plan holds a test class that needs it, so that the boot overlaps the tests that run
 * before it instead of adding to the suite's time. Registered through META-INF/services; a plan
 * without such a class (unit tests, one other IT) boots nothing.
 */
public final class V2SystemdEarlyBoot implements TestExecutionListener {

    static final String NEEDS_IT = "io.hostdeck.system.V2SystemdIT";

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
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
