package dev.multikernel.sim.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Sends one request to a running simulator's admin socket (see {@link AdminServer}). */
public final class AdminClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private AdminClient() {}

    /** A new request object for {@code command}. */
    public static ObjectNode request(String command) {
        ObjectNode n = JSON.createObjectNode();
        n.put("command", command);
        return n;
    }

    /**
     * Sends the request and returns the reply object.
     *
     * @throws IOException when no simulator answers on this state directory, or the reply is not JSON
     */
    public static JsonNode call(StateDir dir, ObjectNode request) throws IOException {
        if (!Files.exists(dir.adminSocket())) {
            throw new NotRunningException(dir);
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(dir.adminSocket()));
        } catch (IOException e) {
            ch.close();
            throw new NotRunningException(dir);
        }
        // Channels of unix sockets have no read timeout: bound the exchange from outside.
        CompletableFuture<Optional<String>> exchange = CompletableFuture.supplyAsync(() -> {
            try {
                OutputStream out = Channels.newOutputStream(ch);
                out.write((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                InputStream in = Channels.newInputStream(ch);
                return AdminServer.readLine(in);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (ch) {
            Optional<String> line = exchange.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (line.isEmpty()) {
                throw new IOException("the simulator closed the admin connection without a reply");
            }
            try {
                return JSON.readTree(line.get());
            } catch (JsonProcessingException e) {
                throw new IOException("the simulator's reply is not JSON: " + e.getOriginalMessage(), e);
            }
        } catch (TimeoutException e) {
            throw new IOException("the simulator did not answer within " + TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
            throw new IOException("admin request failed: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the simulator", e);
        }
    }

    /** No simulator listens on the state directory's admin socket. */
    public static final class NotRunningException extends IOException {
        private static final long serialVersionUID = 1L;

        NotRunningException(StateDir dir) {
            super("no simulator is running with state directory " + dir.root()
                    + " (start one with: multikernel-sim start --state-dir " + dir.root() + ")");
        }
    }
}
