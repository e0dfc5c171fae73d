package dev.tfjvm.launcher;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

/** A dependency-free stand-in for a provider jar: reports how it was started on stderr. */
public final class StubProviderMain {
    private StubProviderMain() {}

    public static void main(String[] args) {
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        String archive = jvmArgs.stream()
                .filter(a -> a.startsWith("-XX:SharedArchiveFile="))
                .findFirst()
                .orElse("none");
        System.err.println("stub provider args=" + Arrays.toString(args)
                + " echo=" + System.getProperty("stub.echo", "")
                + " archive=" + archive
                + " cwd=" + System.getProperty("user.dir")
                + " jvmargs=" + jvmArgs);
        if (Arrays.asList(args).contains("--cds-training")) {
            return;
        }
        System.out.println("1|6|tcp|127.0.0.1:1234|grpc|");
    }
}
