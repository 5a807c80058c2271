/**
 * The seam between the pool and an optional result journal. {@code shoal-pool} defines it and knows no journal;
 * {@code shoal-journal} implements it on Chronicle Queue and registers its {@link dev.shoal.pool.spi.JournalProvider}
 * with {@link java.util.ServiceLoader}. A pool built with {@code journal(dir)} finds the provider on its class path.
 */
package dev.shoal.pool.spi;
