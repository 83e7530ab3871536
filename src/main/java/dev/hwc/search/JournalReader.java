package dev.hwc.search;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads searches' journals through the JDBC read journal, without starting their coordinators. */
public final class JournalReader {
  /** One journaled event with its sequence number and write time (epoch ms). */
  public record Entry(long sequenceNr, long timestamp, SearchEvent event) {}

  private final ActorSystem<?> system;
  private final JdbcReadJournal journal;
  private final Duration timeout;

  public JournalReader(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    this.timeout = timeout;
  }

  /** The search ids in the journal, in the database's order. */
  public List<String> searchIds() {
    List<String> ids = new ArrayList<>();
    for (String pid : await(journal.currentPersistenceIds().runWith(Sink.seq(), system)))
      if (pid.startsWith("search-")) ids.add(pid.substring("search-".length()));
    return ids;
  }

  /** Whether the journal holds a search of that id (reads its first event only). */
  public boolean exists(String searchId) {
    return !first(searchId).isEmpty();
  }

  /** The search's provenance, its first event (null if there is no such search): without reading the rest. */
  public SearchEvent.SearchStarted started(String searchId) {
    List<EventEnvelope> first = first(searchId);
    if (first.isEmpty()) return null;
    if (!(first.get(0).event() instanceof SearchEvent.SearchStarted s))
      throw new IllegalStateException("journal of search '" + searchId + "' does not begin with SearchStarted but " + first.get(0).event());
    return s;
  }

  private List<EventEnvelope> first(String searchId) {
    String pid = SearchCoordinator.persistenceId(searchId).id();
    return await(journal.currentEventsByPersistenceId(pid, 0L, 1L).runWith(Sink.seq(), system));
  }

  /** Every event of one search, in order; empty if there is no such search. */
  public List<Entry> events(String searchId) {
    String pid = SearchCoordinator.persistenceId(searchId).id();
    List<EventEnvelope> envs = await(journal.currentEventsByPersistenceId(pid, 0L, Long.MAX_VALUE).runWith(Sink.seq(), system));
    List<Entry> out = new ArrayList<>(envs.size());
    for (EventEnvelope e : envs) out.add(new Entry(e.sequenceNr(), e.timestamp(), (SearchEvent) e.event()));
    return out;
  }

  /** The coordinator's state as the journal folds it (what a restarted coordinator recovers). */
  public SearchCoordinator.State state(String searchId) {
    SearchCoordinator.State s = SearchCoordinator.State.empty();
    for (Entry e : events(searchId)) s = s.apply(e.event());
    return s;
  }

  private <T> T await(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("cannot read the journal: " + c.getMessage(), c);
    }
  }
}
