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
                    "io.hostdeck.live..", "io.hostdeck.web..", "io.hostdeck.services..", "io.hostdeck.cgroups..",
                    "io.hostdeck.containers..", "io.hostdeck.logs..", "io.hostdeck.audit..")
            .because("features depend on the host layer, never the other way round");

    /** The host layer's adapters that change the machine, and the Systemd methods that do. */
    private static final Class<?>[] CHANGING_ADAPTERS = { io.hostdeck.host.cgroupfs.CgroupWriter.class,
        io.hostdeck.host.cgroupfs.CgroupFreezer.class, io.hostdeck.host.namespaces.ProcessControl.class,
        io.hostdeck.host.namespaces.NsExec.class, io.hostdeck.host.journal.JournalWriter.class,
        io.hostdeck.host.runtime.RuntimeControl.class };

    @ArchTest
    static final ArchRule controllersChangeNothingThemselves = noClasses()
            .that().areAnnotatedWith(org.springframework.stereotype.Controller.class)
            .or().areAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
            .should().dependOnClassesThat().belongToAnyOf(CHANGING_ADAPTERS)
            .orShould().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                    com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner(
                            com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo(io.hostdeck.host.systemd.Systemd.class)))
                    .and(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                            com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching(
                                    "run|kill|resetFailed|enable|disable|mask|unmask|daemonReload|setProperties"))))
            .orShould().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                    com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner(
                            com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo(io.hostdeck.host.unitfiles.UnitFileStore.class)))
                    .and(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                            com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching("create|writeOverride|delete"))))
            .because("every change to the host passes through a privileged service (ServiceActions, CgroupActions,"
                    + " ContainerActions), which checks the role and writes the audit record");

    @ArchTest
    static final ArchRule privilegedServicesCheckTheRole = com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods()
            .that().arePublic().and().areDeclaredInClassesThat().haveSimpleNameEndingWith("Actions")
            .and().areDeclaredInClassesThat().resideOutsideOfPackage(HOST_LAYER)
            .should().beAnnotatedWith(org.springframework.security.access.prepost.PreAuthorize.class)
            .because("each method of the privileged layer checks the role itself, whatever the URL rules say");
}
