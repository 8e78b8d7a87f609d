package dev.crucible.exec;

import dev.crucible.CrucibleException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer takes results in order; the first failure anywhere wakes every waiting thread with that failure. */
@Timeout(10)
class HandoffTest {
    @Test
    void theWriterTakesInOrderWhateverOrderTheyArriveIn() {
        Handoff h = new Handoff(3);
        MemorySegment[] bytes = {MemorySegment.ofArray(new byte[1]), MemorySegment.ofArray(new byte[2]),
            MemorySegment.ofArray(new byte[3])};
        h.give(2, bytes[2]);
        h.give(0, bytes[0]);
        CompletableFuture<Void> late = CompletableFuture.runAsync(() -> h.give(1, bytes[1]));
        for (int k = 0; k < 3; k++) {
            assertSame(bytes[k], h.take(k));
            h.written(k);
        }
        late.join();
        h.awaitWritten(2);
        h.awaitWritten(-1);
    }

    @Test
    void aPipelinesFailureReachesTheWriterAndThePipelinesWaitingOnIt() {
        Handoff h = new Handoff(4);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> h.awaitWritten(1));
        CrucibleException failure = new CrucibleException("t: 3 NaN/Inf values (--strict)");
        h.fail(failure);
        assertSame(failure, assertThrows(CrucibleException.class, () -> h.take(0)));
        Exception woken = assertThrows(Exception.class, waiting::join);
        assertSame(failure, woken.getCause());
        assertTrue(h.failed());
        h.fail(new CrucibleException("later"));
        assertSame(failure, assertThrows(CrucibleException.class, () -> h.take(3)), "the first failure is kept");
    }

    @Test
    void closingReleasesAPipelineWaitingForAWriterThatStopped() {
        Handoff h = new Handoff(2);
        h.give(0, MemorySegment.ofArray(new byte[1]));
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> h.awaitWritten(0));
        h.close();
        Exception woken = assertThrows(Exception.class, waiting::join);
        assertEquals("the merge stopped", woken.getCause().getMessage());
    }
}
