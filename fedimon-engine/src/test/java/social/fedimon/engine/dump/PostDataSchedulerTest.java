package social.fedimon.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PostDataSchedulerTest {

  private static PostDataRunner.Task task(String table, boolean exclusive, int order) {
    return new PostDataRunner.Task("-- " + table + " " + order, table, exclusive, order);
  }

  @Test
  void takesTheBiggestTableFirstAndDumpOrderWithinATable() {
    PostDataRunner.Scheduler scheduler = new PostDataRunner.Scheduler();
    scheduler.add(List.of(task("small", true, 0), task("small", false, 1)), 10);
    scheduler.add(List.of(task("big", true, 2), task("big", false, 3)), 1_000);

    assertThat(scheduler.order())
        .extracting(PostDataRunner.Task::order)
        .containsExactly(2, 3, 0, 1);
  }

  @Test
  void aConstraintRunsAloneOnItsTableWhileIndexesShareIt() {
    PostDataRunner.Scheduler scheduler = new PostDataRunner.Scheduler();
    PostDataRunner.Task primaryKey = task("statuses", true, 0);
    scheduler.add(List.of(primaryKey, task("statuses", false, 1), task("statuses", false, 2)), 100);
    scheduler.add(List.of(task("accounts", false, 3)), 10);

    assertThat(scheduler.tryNext()).isEqualTo(primaryKey);
    // the primary key holds statuses: the next free work is on another table
    assertThat(scheduler.tryNext().table()).isEqualTo("accounts");
    assertThat(scheduler.tryNext()).isNull();

    scheduler.release(primaryKey);
    PostDataRunner.Task first = scheduler.tryNext();
    PostDataRunner.Task second = scheduler.tryNext();
    assertThat(List.of(first.order(), second.order())).containsExactly(1, 2);
  }

  @Test
  void anExclusiveTaskWaitsForSharedOnesToFinish() {
    PostDataRunner.Scheduler scheduler = new PostDataRunner.Scheduler();
    PostDataRunner.Task index = task("follows", false, 0);
    scheduler.add(List.of(index, task("follows", true, 1)), 5);

    assertThat(scheduler.tryNext()).isEqualTo(index);
    assertThat(scheduler.tryNext()).isNull();
    scheduler.release(index);
    assertThat(scheduler.tryNext().order()).isEqualTo(1);
  }
}
