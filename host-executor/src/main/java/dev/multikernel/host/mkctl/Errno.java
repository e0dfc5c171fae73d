package dev.multikernel.host.mkctl;

import java.util.Optional;

/** The Linux errno values mkctl reports, by name. Anything else is {@link #OTHER}. */
public enum Errno {
    EPERM(1),
    ENOENT(2),
    ESRCH(3),
    EINTR(4),
    EIO(5),
    ENXIO(6),
    E2BIG(7),
    ENOEXEC(8),
    EBADF(9),
    EAGAIN(11),
    ENOMEM(12),
    EACCES(13),
    EFAULT(14),
    EBUSY(16),
    EEXIST(17),
    ENODEV(19),
    ENOTDIR(20),
    EISDIR(21),
    EINVAL(22),
    ENFILE(23),
    EMFILE(24),
    EFBIG(27),
    ENOSPC(28),
    EROFS(30),
    EPIPE(32),
    ERANGE(34),
    ENOSYS(38),
    ENOTEMPTY(39),
    ENODATA(61),
    EOVERFLOW(75),
    EOPNOTSUPP(95),
    ECONNREFUSED(111),
    ETIMEDOUT(110),
    ECANCELED(125),
    /** An errno this enum does not name; the raw name and number are in the error record. */
    OTHER(-1);

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    public static Errno fromName(String name) {
        for (Errno e : values()) {
            if (e != OTHER && e.name().equals(name)) {
                return e;
            }
        }
        return OTHER;
    }

    public static Optional<Errno> fromNumber(int number) {
        for (Errno e : values()) {
            if (e.number == number) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
