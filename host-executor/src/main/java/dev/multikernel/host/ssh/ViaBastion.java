package dev.multikernel.host.ssh;

/** Re-labels a bastion's failure as a failure to reach the target through it, keeping its type. */
final class ViaBastion {

    private ViaBastion() {}

    static HostException wrap(HostException e, Target target) {
        String host = target.describe();
        String m = "cannot reach " + target.hostName() + " because the bastion "
                + target.jump().get().describe() + " failed: " + e.getMessage();
        if (e instanceof HostUnreachableException) {
            return new HostUnreachableException(host, m, e);
        }
        if (e instanceof HostKeyRejectedException k) {
            return new HostKeyRejectedException(host, m, k.verdict(), k.presentedFingerprint());
        }
        if (e instanceof AuthenticationFailedException) {
            return new AuthenticationFailedException(host, m, e);
        }
        if (e instanceof LocalConfigurationException) {
            return new LocalConfigurationException(host, m, e);
        }
        if (e instanceof ConnectionLostException) {
            return new ConnectionLostException(host, m, e);
        }
        return new HostUnreachableException(host, m, e);
    }
}
