package dev.multikernel.provider;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/design/architecture.md, over the compiled classes (main code only).
 * A rule broken by a class that is not on its list of known exceptions fails the build.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location ->
                    !location.isJar() || location.contains("tf-jvm-bridge") || location.contains("host-executor"))
            .importPackages("dev.tfjvm", "dev.multikernel.provider", "dev.multikernel.host");

    /**
     * Resource classes that still build or read device trees themselves. Moving that behind
     * {@code kernel.KernelInterface} (issue 10, part B) empties this list; a class may leave it, never join it.
     */
    private static final Set<String> STILL_SPEAKING_DEVICE_TREES = Set.of(
            "dev.multikernel.provider.resources.instance.InstanceConfig",
            "dev.multikernel.provider.resources.instance.InstanceLifecycle",
            "dev.multikernel.provider.resources.instance.InstanceMemory",
            "dev.multikernel.provider.resources.instance.InstanceReadBack",
            "dev.multikernel.provider.resources.instance.InstanceResource",
            "dev.multikernel.provider.resources.instance.OverlayAdjustment",
            "dev.multikernel.provider.resources.instance.OverlayAdjustments",
            "dev.multikernel.provider.resources.overlay.Meaning",
            "dev.multikernel.provider.resources.overlay.OverlayEffects",
            "dev.multikernel.provider.resources.overlay.OverlayResource",
            "dev.multikernel.provider.resources.overlay.OverlaySpec",
            "dev.multikernel.provider.resources.pool.LivePool",
            "dev.multikernel.provider.resources.pool.MemoryMatch",
            "dev.multikernel.provider.resources.pool.PoolChanges",
            "dev.multikernel.provider.resources.pool.PoolReadBack",
            "dev.multikernel.provider.resources.pool.PoolResource",
            "dev.multikernel.provider.resources.pool.PoolSpec");

    @Test
    void theClassesWereFound() {
        assertThat(CLASSES.contain("dev.tfjvm.spi.Resource")).isTrue();
        assertThat(CLASSES.contain("dev.multikernel.provider.resources.pool.PoolResource"))
                .isTrue();
        assertThat(CLASSES.contain("dev.multikernel.host.devicetree.Fdt")).isTrue();
    }

    @Test
    void theBridgeKnowsNothingOfMultikernel() {
        noClasses()
                .that()
                .resideInAPackage("dev.tfjvm..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.multikernel..")
                .because("provider/ is a generic bridge: another provider could be built on it")
                .check(CLASSES);
    }

    @Test
    void theHostExecutorKnowsNothingOfTerraform() {
        noClasses()
                .that()
                .resideInAPackage("dev.multikernel.host..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.tfjvm..", "dev.multikernel.provider..")
                .because("host-executor/ speaks to hosts in kernel vocabulary and JDK types")
                .check(CLASSES);
    }

    @Test
    void theHostExecutorApiSpeaksJdkTypes() {
        noMethods()
                .that()
                .arePublic()
                .and()
                .areDeclaredInClassesThat()
                .arePublic()
                .and()
                .areDeclaredInClassesThat()
                .resideInAPackage("dev.multikernel.host..")
                .should()
                .haveRawReturnType(
                        com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("com.fasterxml.."))
                .because("DESIGN: host-executor's API is in JDK types; Jackson stays inside it")
                .check(CLASSES);
    }

    @Test
    void thePlannerIsPure() {
        noClasses()
                .that()
                .resideInAPackage("dev.multikernel.provider.plan..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.tfjvm..",
                        "dev.multikernel.host.ssh..",
                        "dev.multikernel.host.mkctl..",
                        "dev.multikernel.provider.hosts..",
                        "dev.multikernel.provider.resources..")
                .because("plan/ decides from values: no Terraform types, no host access")
                .check(CLASSES);
    }

    @Test
    void resourcesReachHostsOnlyThroughTheHostsSeam() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.multikernel.provider.resources..", "dev.multikernel.provider.datasources..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.multikernel.host.ssh..")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.multikernel.provider.hosts.HostRegistry")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.multikernel.host.mkctl.MkctlClient")
                .because("resources use hosts.Hosts, so a unit test can give them a fixed host")
                .check(CLASSES);
    }

    @Test
    void resourcesAskTheKernelInterfaceNotTheGeneration() {
        noClasses()
                .that()
                .resideInAPackage("dev.multikernel.provider.resources..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.multikernel.host.state.InterfaceGeneration")
                .because("what differs per generation is chosen once, as a kernel.KernelInterface")
                .check(CLASSES);
    }

    @Test
    void resourcesDoNotSpeakDeviceTrees() {
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage("dev.multikernel.provider.resources..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.multikernel.host.devicetree..")
                .because("device-tree blobs are the kernel interface's business, not the resources'");
        EvaluationResult result = rule.evaluate(CLASSES);
        Set<String> offenders = new TreeSet<>();
        for (JavaClass c : CLASSES) {
            if (c.getPackageName().startsWith("dev.multikernel.provider.resources")
                    && c.getDirectDependenciesFromSelf().stream()
                            .anyMatch(d -> d.getTargetClass()
                                    .getPackageName()
                                    .startsWith("dev.multikernel.host.devicetree"))) {
                offenders.add(c.getName().replaceAll("\\$.*", ""));
            }
        }
        assertThat(result.hasViolation()).isEqualTo(!offenders.isEmpty());
        assertThat(offenders)
                .as("classes of resources/ that import host.devicetree and are not known exceptions")
                .isSubsetOf(STILL_SPEAKING_DEVICE_TREES);
        assertThat(STILL_SPEAKING_DEVICE_TREES)
                .as("known exceptions that no longer import host.devicetree: " + "take them off the list")
                .isSubsetOf(offenders);
    }

    /** The rule itself catches what it is meant to catch. */
    @Test
    void theDeviceTreeRuleSeesAnImport() {
        JavaClasses offender =
                new ClassFileImporter().importClasses(dev.multikernel.provider.resources.pool.PoolResource.class);
        assertThat(noClasses()
                        .that()
                        .resideInAPackage("dev.multikernel.provider.resources..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAPackage("dev.multikernel.host.devicetree..")
                        .allowEmptyShould(true)
                        .evaluate(offender)
                        .hasViolation())
                .isTrue();
    }
}
