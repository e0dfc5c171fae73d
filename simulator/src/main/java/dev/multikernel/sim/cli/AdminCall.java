package dev.multikernel.sim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.function.Function;

/** Sends one admin request on behalf of a CLI command and reports the outcome. */
final class AdminCall {

    private AdminCall() {}

    /**
     * @param describe turns a successful reply into the line printed on stdout
     * @return the exit code: 0 done, 1 refused by the simulator or failed, 3 no simulator running
     */
    static int run(
            StateDir dir, ObjectNode request, PrintWriter out, PrintWriter err, Function<JsonNode, String> describe) {
        JsonNode reply;
        try {
            reply = AdminClient.call(dir, request);
        } catch (AdminClient.NotRunningException e) {
            err.println("multikernel-sim: " + e.getMessage());
            return Main.EXIT_NOT_RUNNING;
        } catch (IOException e) {
            err.println("multikernel-sim: " + e.getMessage());
            return 1;
        }
        if (!reply.path("ok").asBoolean(false)) {
            err.println("multikernel-sim: " + reply.path("error").asText("the simulator refused the request"));
            return 1;
        }
        out.println(describe.apply(reply));
        return 0;
    }

    /** "sim-1, sim-2" from a reply's per-host results. */
    static String hostNames(JsonNode reply) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode h : reply.path("hosts")) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(h.path("name").asText());
        }
        return sb.toString();
    }
}
