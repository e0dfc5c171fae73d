package dev.tfjvm.plugin;

import java.util.List;

/** A provider process serving only the go-plugin services, for process-level tests and benchmarks. */
public final class HealthOnlyMain {
    private HealthOnlyMain() {}

    public static void main(String[] args) {
        PluginMain.run(args, "example.com/tfjvm/healthonly", () -> {
            // A library printing to System.out must not reach the handshake channel.
            System.out.println("stray output from a library");
            return List.of();
        });
    }
}
