package dev.multikernel.sim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code status}: the running simulator's hosts. Exit 3 when none runs. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show the hosts of the running simulator (exit 3 when none is running).")
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StateDirOption stateDir;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return AdminCall.run(
                stateDir.get(),
                AdminClient.request("status"),
                out,
                spec.commandLine().getErr(),
                reply -> json ? reply.toPrettyString() : table(reply));
    }

    private static String table(JsonNode reply) {
        StringBuilder sb = new StringBuilder();
        sb.append("running (pid ")
                .append(reply.path("pid").asLong())
                .append("), state dir ")
                .append(reply.path("stateDir").asText())
                .append('\n');
        sb.append(String.format(
                "  %-10s %-8s %-16s %-5s %-36s %s%n", "HOST", "GEN", "ADDRESS", "SSH", "BOOT ID", "HOST KEY"));
        for (JsonNode h : reply.path("hosts")) {
            sb.append(String.format(
                    "  %-10s %-8s %-16s %-5d %-36s %s%n",
                    h.path("name").asText(),
                    h.path("generation").asText(),
                    h.path("address").asText() + ":" + h.path("port").asInt(),
                    h.path("sshConnections").asInt(),
                    h.path("bootId").asText(),
                    h.path("hostKeyFingerprint").asText()));
        }
        return sb.toString().stripTrailing();
    }
}
