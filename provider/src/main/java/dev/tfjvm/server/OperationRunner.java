package dev.tfjvm.server;

import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.log.Log;
import dev.tfjvm.spi.AttributeValueException;
import dev.tfjvm.spi.CurrentOperation;
import dev.tfjvm.spi.OperationCancelledException;
import dev.tfjvm.spi.OperationContext;
import dev.tfjvm.spi.ResourceException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs resource code with its timeout and lets StopProvider cancel it. Work runs on its own
 * thread so that a timeout or a stop can interrupt it while the gRPC thread answers Terraform.
 */
final class OperationRunner {
    /** Provider code's lines carry the plain {@code provider} module, as Go providers' do. */
    private static final Log OPERATIONS = Log.get("");

    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tfjvm-operation");
        t.setDaemon(true);
        return t;
    });
    private final Set<Running> inFlight = ConcurrentHashMap.newKeySet();

    /** Resource code that needs an {@link OperationContext}. */
    @FunctionalInterface
    interface Work<T> {
        T run(Context context) throws ResourceException;
    }

    /** The context handed to resource code; StopProvider flips {@link #stopRequested()}. */
    static final class Context implements OperationContext {
        private final Diagnostics diagnostics;
        private final Optional<Instant> deadline;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final Log log;

        Context(String what, Diagnostics diagnostics, Optional<Instant> deadline) {
            this.diagnostics = diagnostics;
            this.deadline = deadline;
            this.log = OPERATIONS.with(
                    "tf_operation",
                    what,
                    "tf_req_id",
                    java.util.UUID.randomUUID().toString());
        }

        @Override
        public Log log() {
            return log;
        }

        @Override
        public Diagnostics diagnostics() {
            return diagnostics;
        }

        @Override
        public Optional<Instant> deadline() {
            return deadline;
        }

        @Override
        public boolean stopRequested() {
            return stopped.get();
        }
    }

    private record Running(Context context, Future<?> future) {}

    <T> T run(String what, Optional<Duration> timeout, Diagnostics diagnostics, Work<T> work) throws ResourceException {
        Context context =
                new Context(what, diagnostics, timeout.map(t -> Instant.now().plus(t)));
        FutureTask<T> future = new FutureTask<>(() -> {
            CurrentOperation.Binding bound = CurrentOperation.bind(context);
            try {
                return work.run(context);
            } finally {
                bound.close();
            }
        });
        Running running = new Running(context, future);
        // Registered before it starts, so a StopProvider arriving at any moment reaches it.
        inFlight.add(running);
        try {
            pool.execute(future);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.remove(running);
            throw new OperationCancelledException(
                    what + " was not started: the provider is stopping (Terraform went away)");
        }
        try {
            if (timeout.isPresent()) {
                return future.get(timeout.get().toNanos(), TimeUnit.NANOSECONDS);
            }
            return future.get();
        } catch (TimeoutException e) {
            context.stopped.set(true);
            future.cancel(true);
            throw new ResourceException(
                    "Timed out: " + what,
                    what + " did not finish within " + humanize(timeout.get())
                            + ". It was interrupted, and counts as failed. If the operation needs longer, raise its value"
                            + " in the resource's timeouts block.");
        } catch (CancellationException e) {
            throw new OperationCancelledException(what + " was stopped because Terraform asked the provider to stop");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ResourceException re) {
                throw re;
            }
            if (cause instanceof AttributeValueException ave) {
                throw ave.toResourceException();
            }
            throw new ResourceException(
                    "Unexpected provider error during " + what,
                    cause + " — this is a bug in the provider; please report it.",
                    cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new OperationCancelledException(what + " was interrupted");
        } finally {
            inFlight.remove(running);
        }
    }

    /**
     * The end of the provider's session: every operation in flight is stopped as StopProvider
     * would, no new one starts, and up to {@code grace} is given to those stopping (to undo what
     * they cannot report any more). Returns how many were in flight.
     */
    int close(Duration grace) {
        int running = inFlight.size();
        stopAll();
        pool.shutdown();
        try {
            pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return running;
    }

    /** StopProvider: every operation in flight sees stopRequested() and is interrupted. */
    void stopAll() {
        for (Running r : inFlight) {
            r.context.stopped.set(true);
            r.future.cancel(true);
        }
    }

    private static String humanize(Duration d) {
        return d.toString().substring(2).toLowerCase();
    }
}
