package io.hostdeck;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.util.Map;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RestController;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import io.hostdeck.host.cgroupfs.CgroupFreezer;
import io.hostdeck.host.cgroupfs.CgroupWriter;
import io.hostdeck.host.journal.JournalWriter;
import io.hostdeck.host.namespaces.NsExec;
import io.hostdeck.host.namespaces.ProcessControl;
import io.hostdeck.host.runtime.RuntimeControl;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.unitfiles.UnitFileStore;

/**
 * The host layer ({@code io.hostdeck.host..}) is the one place that touches the machine: D-Bus,
 * native calls and child processes stay inside it, so every change to the host passes through code
 * that can be checked and audited in one place. The rules are allow-lists: what is not named here
 * is refused, so a new library in the host layer or a new changing method is a decision made here.
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

    /**
     * What the host layer may use: itself, the error vocabulary, the JDK, dbus-java, JNA (and
     * libpam4j, PAM over JNA), Spring (its stereotypes and configuration), SLF4J for its logs and
     * Jackson for the JSON that journalctl and container engines answer. No feature: features depend
     * on the host layer, never the other way round.
     */
    @ArchTest
    static final ArchRule hostLayerDependsOnlyOnItsAllowList = classes().that().resideInAPackage(HOST_LAYER)
            .should().onlyDependOnClassesThat(DescribedPredicate.describe("are in the host layer's allow-list",
                    (JavaClass c) -> c.isPrimitive() || c.isArray() && c.getBaseComponentType().isPrimitive()
                            || JavaClass.Predicates.resideInAnyPackage(HOST_LAYER, "io.hostdeck.error..",
                                    "java..", "javax..", "jdk..", "com.sun.management..",
                                    "org.freedesktop.dbus..", "com.sun.jna..", "org.jvnet.libpam..",
                                    "org.springframework..", "org.slf4j..", "tools.jackson..")
                                    .test(c.isArray() ? c.getBaseComponentType() : c)))
            .because("features depend on the host layer, never the other way round, and each library it"
                    + " uses is a decision made here");

    /** The host layer's adapters that change the machine, and the Systemd methods that do. */
    private static final Class<?>[] CHANGING_ADAPTERS = { CgroupWriter.class, CgroupFreezer.class,
        ProcessControl.class, NsExec.class, JournalWriter.class, RuntimeControl.class };

    @ArchTest
    static final ArchRule controllersChangeNothingThemselves = noClasses()
            .that().areAnnotatedWith(Controller.class)
            .or().areAnnotatedWith(RestController.class)
            .should().dependOnClassesThat().belongToAnyOf(CHANGING_ADAPTERS)
            .because("every change to the host passes through a privileged service (ServiceActions, CgroupActions,"
                    + " ContainerActions), which checks the role and writes the audit record");

    /**
     * The host adapters that can change the machine, each with the methods of it that only read
     * (an allow-list: any other method, also one added later, counts as a change).
     */
    private static final Map<Class<?>, String> READERS_OF_CHANGING_ADAPTERS = Map.of(
            Systemd.class, "busAddress|manager|listUnits|listUnitFiles|unitFilesIfListed|unitFacts|identify|resolve|unit"
                    + "|hostname|machines|onUnitChange",
            UnitFileStore.class, "directory|read|readUnitText",
            CgroupFreezer.class, "usesV1Freezer|frozenV1|frozenV2",
            CgroupWriter.class, "",
            ProcessControl.class, "",
            NsExec.class, "",
            RuntimeControl.class, "",
            JournalWriter.class, "");

    /** A call that changes the machine: to a changing adapter's method that is not one of its readers. */
    private static final DescribedPredicate<JavaMethodCall> CHANGES_THE_HOST = DescribedPredicate.describe(
            "a method of a host adapter that changes the machine", (JavaMethodCall call) -> {
                JavaClass owner = call.getTargetOwner();
                for (Map.Entry<Class<?>, String> adapter : READERS_OF_CHANGING_ADAPTERS.entrySet()) {
                    if (owner.isAssignableTo(adapter.getKey())) {
                        return !call.getName().matches(adapter.getValue());
                    }
                }
                return false;
            });

    /**
     * Who may change the machine: the privileged services ({@code *Actions}), and, named one by
     * one, AuditLog (writing the audit record is what the services ask of it) and ContainerStops
     * (it carries on, in the background, the stop ContainerActions started and audited).
     */
    private static final DescribedPredicate<JavaClass> PRIVILEGED = DescribedPredicate.describe(
            "a privileged service (*Actions) or one of its named helpers", (JavaClass c) -> {
                JavaClass top = c;
                while (top.getEnclosingClass().isPresent()) {
                    top = top.getEnclosingClass().get();
                }
                return top.getSimpleName().endsWith("Actions")
                        || top.getName().equals("io.hostdeck.audit.AuditLog")
                        || top.getName().equals("io.hostdeck.containers.ContainerStops");
            });

    @ArchTest
    static final ArchRule onlyPrivilegedServicesChangeTheHost = noClasses()
            .that().resideOutsideOfPackage(HOST_LAYER).and(DescribedPredicate.not(PRIVILEGED))
            .should().callMethodWhere(CHANGES_THE_HOST)
            .because("every change to the host passes through a privileged service (ServiceActions, CgroupActions,"
                    + " ContainerActions), which checks the role and writes the audit record");

    @ArchTest
    static final ArchRule privilegedServicesCheckTheRole = methods()
            .that().arePublic().and().areDeclaredInClassesThat().haveSimpleNameEndingWith("Actions")
            .and().areDeclaredInClassesThat().resideOutsideOfPackage(HOST_LAYER)
            .should().beAnnotatedWith(PreAuthorize.class)
            .because("each method of the privileged layer checks the role itself, whatever the URL rules say");
}
