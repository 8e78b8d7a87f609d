package dev.crucible;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects warnings for one run, once per topic: a condition that hits every layer (say, an ignored base
 * model) is reported one time, with the number of tensors it affected, instead of flooding the log.
 */
public final class Warnings {
    private static final Logger LOG = LoggerFactory.getLogger("crucible");

    private final Map<String, Topic> topics = new LinkedHashMap<>();

    private static final class Topic {
        final String message;
        final List<String> tensors = new ArrayList<>();

        Topic(String message) {
            this.message = message;
        }
    }

    /** Records {@code message} under {@code topic}; logs it the first time the topic is seen. */
    public synchronized void warn(String topic, String message) {
        affecting(topic, message, null);
    }

    /** Like {@link #warn} but remembers the tensor, so the summary can name the tensors affected. */
    public synchronized void affecting(String topic, String message, String tensor) {
        Topic t = topics.get(topic);
        if (t == null) {
            t = new Topic(message);
            topics.put(topic, t);
            LOG.warn(message);
        }
        if (tensor != null) {
            t.tensors.add(tensor);
        }
    }

    /**
     * For each topic that named tensors: the message again with how many tensors it affected and the first few,
     * since the log showed it only once.
     */
    public synchronized List<String> tensorSummary() {
        List<String> lines = new ArrayList<>();
        for (Topic t : topics.values()) {
            if (!t.tensors.isEmpty()) {
                int shown = Math.min(3, t.tensors.size());
                String names = String.join(", ", t.tensors.subList(0, shown));
                String more = t.tensors.size() > shown ? ", ..." : "";
                lines.add(t.message + " [" + t.tensors.size() + " affected: " + names + more + "]");
            }
        }
        return lines;
    }

    /** Topics seen so far, in order: the first message of each. */
    public synchronized List<String> messages() {
        return topics.values().stream().map(t -> t.message).toList();
    }
}
