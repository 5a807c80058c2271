package dev.shoal.journal;

/**
 * How a journaled job ended.
 */
public enum JournalStatus
{
    /** The handler returned; the record holds its result bytes. */
    OK(0),
    /** The handler threw; the record holds the exception's class, message and stack as text. */
    THREW(1),
    /** The job failed without a handler result (attempts exhausted, ...); the record holds the reason. */
    FAILED(2);

    private static final JournalStatus[] BY_CODE = values();

    private final int code;

    JournalStatus(final int code)
    {
        this.code = code;
    }

    /**
     * @return the code stored in a record.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code a stored code.
     * @return its status.
     * @throws JournalFormatException when the code is unknown.
     */
    public static JournalStatus of(final int code)
    {
        if (code < 0 || code >= BY_CODE.length)
        {
            throw new JournalFormatException("unknown status code=" + code);
        }
        return BY_CODE[code];
    }
}
