package dev.multikernel.host.mkctl;

/** Internal: mkctl's JSON does not have the shape of the contract. Never leaves this package. */
final class AnswerException extends Exception {

    private static final long serialVersionUID = 1L;

    AnswerException(String message) {
        super(message);
    }

    AnswerException(String message, Throwable cause) {
        super(message, cause);
    }
}
