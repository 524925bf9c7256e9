package io.hostdeck;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The host layer ({@code io.hostdeck.host..}) is the one place that touches the machine: D-Bus,
 * native calls and child processes stay inside it, so every change to the host passes through code
 * that can be checked and audited in one place.
 */
@AnalyzeClasses(packages = "io.hostdeck", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String HOST_LAYER = "io.hostdeck.host..";

    @ArchTest
    static final ArchRule dbusOnlyInTheHostLayer = noClasses().that().resideOutsideOfPackage(HOST_LAYER)
            .should().dependOnClassesThat().resideInAPackage("org.freedesktop.dbus..")
            .because("systemd is reached only through io.hostdeck.host.systemd");

    @ArchTest
    static final ArchRule jnaOnlyInTheHostLayer = noClasses().that().resideOutsideOfPackage(HOST_LAYER)
            .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
            .because("native calls (namespaces, PAM) belong to the host layer");

    @ArchTest
    static final ArchRule processesOnlyInTheHostLayer = noClasses().that().resideOutsideOfPackage(HOST_LAYER)
            .should().dependOnClassesThat().haveFullyQualifiedName(ProcessBuilder.class.getName())
            .orShould().callMethod(Runtime.class, "exec", String.class)
            .orShould().callMethod(Runtime.class, "exec", String[].class)
            .because("commands run only from the host layer, with argument arrays and bounds");

    @ArchTest
    static final ArchRule hostLayerKnowsNoFeature = noClasses().that().resideInAPackage(HOST_LAYER)
            .should().dependOnClassesThat().resideInAnyPackage("io.hostdeck.system..", "io.hostdeck.security..",
                    "io.hostdeck.live..", "io.hostdeck.web..")
            .because("features depend on the host layer, never the other way round");
}
