package org.mediaproxy.relay.link;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that talks to the session table. Commands from every dispatcher, changes to the
 * dispatcher set and the shutdown sequence all run here, one after the other: the session table
 * sees a single caller, the event loops never wait for it, and the replies of a connection leave
 * in the order its commands arrived (the original answered synchronously).
 */
public final class RelayControl implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RelayControl.class);

    private final RelayCommands commands;
    private final ExecutorService thread;

    public RelayControl(RelayCommands commands) {
        this.commands = commands;
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread control = new Thread(task, "relay-control");
            control.setDaemon(true);
            return control;
        });
    }

    public RelayCommands commands() {
        return commands;
    }

    /** Runs a task on the control thread; a failing task is logged and does not stop the thread. */
    public void execute(Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Internal error on the relay control thread", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("Relay control stopped, task dropped");
        }
    }

    /** Executes a dispatcher command and hands its reply payload to {@code reply}, on the control thread. */
    void run(String dispatcher, DispatcherCommand command, Consumer<String> reply) {
        execute(() -> {
            String payload;
            try {
                payload = commands.execute(command.name(), command.headers(), dispatcher);
            } catch (RuntimeException e) {
                // The session table promises never to throw; if it does, the dispatcher still gets its answer.
                LOG.error("Command {} {} from {} failed", command.name(), command.seq(), dispatcher, e);
                payload = "error";
            }
            reply.accept(payload);
        });
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
