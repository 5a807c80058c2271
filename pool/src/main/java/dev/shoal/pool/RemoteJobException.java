package dev.shoal.pool;

/**
 * A job's handler threw in its worker. Carries the remote exception's class, message and stack text.
 */
public final class RemoteJobException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String remoteClass;
    private final String remoteMessage;
    private final String remoteStack;

    /**
     * @param handler       the handler name.
     * @param remoteClass   class of the exception thrown in the worker.
     * @param remoteMessage its message (may be empty).
     * @param remoteStack   its stack trace as text.
     */
    public RemoteJobException(
        final String handler, final String remoteClass, final String remoteMessage, final String remoteStack)
    {
        super("handler '" + handler + "' threw " + remoteClass + (remoteMessage.isEmpty() ? "" : ": " + remoteMessage));
        this.remoteClass = remoteClass;
        this.remoteMessage = remoteMessage;
        this.remoteStack = remoteStack;
    }

    /**
     * @return the remote exception's class name.
     */
    public String remoteClass()
    {
        return remoteClass;
    }

    /**
     * @return the remote exception's message.
     */
    public String remoteMessage()
    {
        return remoteMessage;
    }

    /**
     * @return the remote stack trace, as printed in the worker.
     */
    public String remoteStack()
    {
        return remoteStack;
    }
}
