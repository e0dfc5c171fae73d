package dev.tfjvm.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What launches of a provider may share, only by the provider's choice: an object is shared
 * with every launch that asks with an equal key, so the key must hold everything that makes two
 * objects interchangeable (for a connection: user, address, port, a fingerprint of each
 * credential, host-key policy, proxies). Never share configuration-dependent state (caches,
 * plans): one launch must not see another's.
 *
 * <p>Without the daemon a launch is the process, so {@link #perProcess()} is the same contract.
 * Shared objects are closed when the process (or daemon) exits.
 */
public interface Sharing {

    /**
     * The object for {@code key}, created with {@code create} when none exists yet. The key is
     * compared with {@code equals}; records make good keys. {@code type} guards against two
     * kinds of objects under equal keys.
     */
    <T extends AutoCloseable> T shared(Object key, Class<T> type, Supplier<? extends T> create);

    /** A store for this process; closes its objects in a shutdown hook. */
    static Sharing perProcess() {
        return Store.PROCESS;
    }

    /** A map of keys to objects, closed together. */
    final class Store implements Sharing, AutoCloseable {
        private static final Store PROCESS = processStore();

        private record Key(Class<?> type, Object key) {}

        private final Map<Key, AutoCloseable> objects = new ConcurrentHashMap<>();
        private volatile boolean closed;

        private static Store processStore() {
            Store store = new Store();
            Runtime.getRuntime().addShutdownHook(new Thread(store::close, "tfjvm-sharing-close"));
            return store;
        }

        @Override
        public <T extends AutoCloseable> T shared(Object key, Class<T> type, Supplier<? extends T> create) {
            if (closed) {
                throw new IllegalStateException("the provider is stopping; nothing can be shared any more");
            }
            return type.cast(objects.computeIfAbsent(new Key(type, key), k -> create.get()));
        }

        /** How many objects are shared right now. */
        public int size() {
            return objects.size();
        }

        @Override
        public void close() {
            closed = true;
            List<AutoCloseable> all = new ArrayList<>(objects.values());
            objects.clear();
            for (AutoCloseable object : all) {
                try {
                    object.close();
                } catch (Exception e) {
                    // Closing at exit: nothing left to tell.
                }
            }
        }
    }
}
