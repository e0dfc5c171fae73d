package dev.tfjvm.demo;

import dev.tfjvm.launcher.InstallLayout;
import dev.tfjvm.launcher.ProviderAddress;
import java.nio.file.Path;

/** Lays the built demo provider out as a Terraform filesystem mirror, as users install it. */
final class DemoInstall {
    private DemoInstall() {}

    static Path mirror(Path dir) throws Exception {
        return InstallLayout.install(new InstallLayout.Request(
                        Path.of(System.getProperty("demo.jar")),
                        ProviderAddress.parse(DemoMain.SOURCE),
                        System.getProperty("demo.version"),
                        dir,
                        InstallLayout.currentPlatform()))
                .mirrorDir();
    }
}
