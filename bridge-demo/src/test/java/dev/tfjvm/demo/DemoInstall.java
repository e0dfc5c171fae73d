package dev.tfjvm.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Lays the built demo provider out as a Terraform filesystem mirror. */
final class DemoInstall {
    private DemoInstall() {
    }

    static Path mirror(Path dir) throws Exception {
        String version = System.getProperty("demo.version");
        Path jar = Path.of(System.getProperty("demo.jar"));
        Path target = Files.createDirectories(dir.resolve("mirror/example.com/tfjvm/demo/" + version + "/linux_amd64"));
        Files.createDirectories(target.resolve("lib"));
        Files.copy(jar, target.resolve("lib/provider.jar"));
        Path launcher = target.resolve("terraform-provider-demo_v" + version);
        Files.writeString(launcher, "#!/bin/sh\nexec java -XX:TieredStopAtLevel=1 -jar \"$(dirname \"$0\")/lib/provider.jar\" \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir.resolve("mirror");
    }
}
