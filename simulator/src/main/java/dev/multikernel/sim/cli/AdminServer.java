package dev.multikernel.sim.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multikernel.sim.protocol.UnixSocketServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The simulator's admin socket: a unix stream socket in the state directory. A client connects, sends
 * one JSON object on one line ({@code {"command":"reboot","host":"sim-1"}}), gets one JSON object on
 * one line back ({@code {"ok":true,...}} or {@code {"ok":false,"error":"..."}}), and the connection
 * closes. The socket is mode 0600: only the simulator's own user may drive it.
 */
final class AdminServer implements AutoCloseable {

    static final int MAX_REQUEST_BYTES = 64 * 1024;
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final int MAX_CONCURRENT_REQUESTS = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<JsonNode, ObjectNode> handler;
    private UnixSocketServer socket;

    private AdminServer(Function<JsonNode, ObjectNode> handler) {
        this.handler = handler;
    }

    /** Binds {@code socket} (a leftover file is replaced: the caller holds the state directory's lock). */
    static AdminServer start(Path socket, Function<JsonNode, ObjectNode> handler) throws IOException {
        Files.deleteIfExists(socket);
        AdminServer s = new AdminServer(handler);
        // Lets requests in progress send their reply on close: a "stop" is answered while the simulator stops.
        s.socket = UnixSocketServer.start(
                socket,
                "multikernel-sim-admin",
                MAX_CONCURRENT_REQUESTS,
                GRACE,
                Optional.of(PosixFilePermissions.fromString("rw-------")),
                s::serve,
                AdminServer::turnAway);
        return s;
    }

    private static void turnAway(SocketChannel client) throws IOException {
        Channels.newOutputStream(client)
                .write((JSON.writeValueAsString(error("too many admin requests at once; try again")) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
    }

    private void serve(SocketChannel client) throws IOException {
        InputStream in = Channels.newInputStream(client);
        OutputStream out = Channels.newOutputStream(client);
        Optional<String> line = readLine(in);
        ObjectNode reply = line.isEmpty()
                ? error("request larger than " + MAX_REQUEST_BYTES + " bytes or not ended by a newline")
                : handle(line.get());
        out.write((JSON.writeValueAsString(reply) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private ObjectNode handle(String line) {
        JsonNode request;
        try {
            request = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return error("request is not JSON: " + e.getOriginalMessage());
        }
        if (request == null || !request.isObject() || !request.path("command").isTextual()) {
            return error("request must be a JSON object with a \"command\" string");
        }
        try {
            return handler.apply(request);
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        } catch (RuntimeException e) {
            return error("internal simulator error: " + e);
        }
    }

    static ObjectNode error(String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("ok", false);
        n.put("error", message);
        return n;
    }

    static ObjectNode ok() {
        ObjectNode n = JSON.createObjectNode();
        n.put("ok", true);
        return n;
    }

    /** One line of at most {@link #MAX_REQUEST_BYTES}; empty when longer or cut off. */
    static Optional<String> readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return Optional.of(buf.toString(StandardCharsets.UTF_8));
            }
            if (buf.size() >= MAX_REQUEST_BYTES) {
                return Optional.empty();
            }
            buf.write(b);
        }
        return Optional.empty();
    }

    /**
     * Stops accepting, lets requests in progress send their reply (a "stop" request is answered while
     * the simulator closes), drops whatever is still open after a grace period, removes the socket file.
     */
    @Override
    public void close() {
        socket.close();
    }
}
