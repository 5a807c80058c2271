/**
 * jcstress outcome tests of the {@link dev.shoal.core.JobRing} protocol: each names the outcomes it accepts and,
 * by name, the ones that are FORBIDDEN (a duplicate, a loss, a torn payload, a reordering, a refused offer with a
 * free slot, two winners of one CAS race). Run them with {@code java -jar stress/target/jcstress.jar}; see
 * {@code docs/stress.md}.
 *
 * <p>The ring is not linearizable in the strict sense: a poll may find the ring empty while an earlier claimed
 * slot is still being written, so the tests check outcomes, not histories against a sequential queue.
 */
package dev.shoal.stress;
