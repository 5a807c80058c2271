package dev.shoal.remote;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A hub's settings.
 *
 * @param endpoint    {@code HOST:PORT} to receive on.
 * @param window      items one host may hold unanswered.
 * @param hostTimeout silence after which a host is given up.
 * @param log         where the hub's lines go (hosts joining, given up).
 */
record HubSettings(String endpoint, int window, Duration hostTimeout, Consumer<String> log)
{
}
