package dev.hwc.cli;

import dev.hwc.search.SearchCoordinator;
import dev.hwc.search.SearchCoordinator.EpisodeDone;
import dev.hwc.search.SearchCoordinator.Failed;
import dev.hwc.search.SearchCoordinator.Finished;
import dev.hwc.search.SearchCoordinator.Progress;
import dev.hwc.search.SearchLock;
import dev.hwc.search.SearchSystem;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one search from the command line: the progress bar, and Ctrl-C / SIGTERM handling (the coordinator stops
 * after the event being written; the journal keeps everything done; {@code hwc resume} continues).
 */
final class SearchSession {
  private SearchSession() {}

  /** Returned when a signal stopped the search: the shutdown hook reports, the caller prints nothing more. */
  static final int STOPPED = 130;

  /** Drives {@code search} until it finishes, fails or the process is told to stop; returns the exit code. */
  static int run(ActorSystem<Void> system, ActorRef<SearchCoordinator.Command> search, SearchLock lock, String id,
                 int episodesDone, int episodes, long deadline, PrintWriter out, PrintWriter err) {
    CompletableFuture<Progress> end = new CompletableFuture<>();
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName("search " + id)
        .setInitialMax(episodes)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        // stderr, so stdout stays clean for the summary; 110 columns when the terminal's width is unknown
        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err, 110))
        .setUnit(" ep", 1)
        .build();
    bar.stepTo(episodesDone);
    if (episodesDone > 0) bar.setExtraMessage("resumed at " + episodesDone);
    // The listener also watches the search, so a search that dies without a word still ends the wait.
    ActorRef<Progress> listener = system.systemActorOf(Behaviors.setup(ctx -> {
      ctx.watch(search);
      return Behaviors.receive(Progress.class)
        .onMessage(EpisodeDone.class, d -> {
          bar.stepTo(d.episode());
          bar.setExtraMessage(String.format(Locale.ROOT, "r %.2f | best %s", d.reward(),
              Double.isNaN(d.bestEnergyReduction()) ? "none in bound"
                  : String.format(Locale.ROOT, "-%.1f%% E @%d", d.bestEnergyReduction() * 100, d.bestEpisode())));
          return Behaviors.same();
        })
        .onMessage(Progress.class, p -> {
          end.complete(p);
          return Behaviors.stopped();
        })
        .onSignal(Terminated.class, t -> {
          // Typically a journal write that failed (the coordinator stops rather than run ahead of its journal):
          // nothing journaled is lost, so the search can go on from where the journal ends.
          end.complete(new Failed("the search stopped unexpectedly (see the log above); everything journaled so far is"
              + " kept, an episode in flight runs again. Continue with: hwc resume " + id));
          return Behaviors.stopped();
        })
        .build();
    }), "progress", Props.empty());

    AtomicBoolean finished = new AtomicBoolean(false);
    AtomicBoolean stopping = new AtomicBoolean(false);
    Thread hook = new Thread(() -> {
      if (finished.get()) return;
      stopping.set(true);
      try {
        AskPattern.<SearchCoordinator.Command, Done>ask(search, SearchCoordinator.Stop::new, Duration.ofSeconds(30), system.scheduler())
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // The coordinator may be gone already; what it journaled stays journaled.
      }
      bar.close();
      SearchSystem.stop(system, Duration.ofSeconds(30));
      lock.close();
      System.err.println("hwc: search '" + id + "' stopped; everything done so far is journaled. Continue with: hwc resume " + id);
    }, "hwc-stop");
    Runtime.getRuntime().addShutdownHook(hook);

    search.tell(new SearchCoordinator.Run(episodes, deadline, listener));
    Progress last;
    try {
      last = end.get();
    } catch (Exception e) {
      last = new Failed(String.valueOf(e.getMessage()));
    }
    finished.set(true);
    if (stopping.get()) return STOPPED;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Already exiting: the hook does nothing now that the search finished.
    }
    bar.close();
    if (last instanceof Finished f) {
      out.println("search " + id + ": " + f.summary());
      out.flush();
      return 0;
    }
    err.println("hwc: search " + id + " failed: " + ((Failed) last).message());
    err.flush();
    return 1;
  }
}
