/* test-rate-limiter.c
 *
 * Pacing uses short real intervals; only lower bounds on time are
 * asserted, so a slow machine cannot make these tests fail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kz-rate-limiter.h"

#define MSEC (G_GINT64_CONSTANT (1000))
/* Timer and clock granularity */
#define SLACK (5 * MSEC)

typedef struct {
  GMainContext *context;
  GArray       *order;        /* int labels, in grant order */
  GArray       *times;        /* gint64 grant times */
  guint         n_done;
  guint         n_cancelled;
} Fixture;

typedef struct {
  Fixture *fixture;
  int      label;
} Request;

static void
fixture_init (Fixture *fixture)
{
  fixture->context = g_main_context_ref_thread_default ();
  fixture->order = g_array_new (FALSE, FALSE, sizeof (int));
  fixture->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  fixture->n_done = 0;
  fixture->n_cancelled = 0;
}

static void
fixture_clear (Fixture *fixture)
{
  g_main_context_unref (fixture->context);
  g_array_unref (fixture->order);
  g_array_unref (fixture->times);
}

static gboolean
on_deadline (gpointer user_data)
{
  g_error ("test did not finish in time");
  return G_SOURCE_REMOVE;
}

static void
run_until_done (Fixture *fixture,
                guint    n_done)
{
  GSource *deadline = g_timeout_source_new_seconds (20);

  g_source_set_callback (deadline, on_deadline, NULL, NULL);
  g_source_attach (deadline, fixture->context);

  while (fixture->n_done < n_done)
    g_main_context_iteration (fixture->context, TRUE);

  g_source_destroy (deadline);
  g_source_unref (deadline);
}

static void
on_acquired (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Request *request = user_data;
  Fixture *fixture = request->fixture;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time ();

  if (kz_rate_limiter_acquire_finish (KZ_RATE_LIMITER (object), result, &error))
    {
      g_assert_no_error (error);
      g_array_append_val (fixture->order, request->label);
      g_array_append_val (fixture->times, now);
    }
  else
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      fixture->n_cancelled++;
    }

  fixture->n_done++;
  g_free (request);
}

static void
acquire (KzRateLimiter *limiter,
         Fixture       *fixture,
         KzPriority     priority,
         GCancellable  *cancellable,
         int            label)
{
  Request *request = g_new0 (Request, 1);

  request->fixture = fixture;
  request->label = label;
  kz_rate_limiter_acquire_async (limiter, priority, cancellable, on_acquired, request);
}

static gint64
time_at (Fixture *fixture,
         guint    index)
{
  return g_array_index (fixture->times, gint64, index);
}

static int
label_at (Fixture *fixture,
          guint    index)
{
  return g_array_index (fixture->order, int, index);
}

static void
test_accessors (void)
{
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (25, 3);

  g_assert_cmpfloat (kz_rate_limiter_get_rate (limiter), ==, 25.0);
  g_assert_cmpuint (kz_rate_limiter_get_burst (limiter), ==, 3);
  g_assert_cmpuint (kz_rate_limiter_get_n_waiting (limiter), ==, 0);
  g_assert_cmpint (kz_rate_limiter_get_wait_usec (limiter), ==, 0);
  g_assert_cmpint (kz_rate_limiter_get_paused_until (limiter), ==, 0);
}

/* 600 per minute: one token every 100 ms after a burst of 3. */
static void
test_burst_then_pacing (void)
{
  g_autoptr(KzRateLimiter) limiter = NULL;
  Fixture fixture;
  gint64 start;
  gint64 queued;

  fixture_init (&fixture);
  start = g_get_monotonic_time ();
  limiter = kz_rate_limiter_new (600, 3);

  for (int i = 0; i < 6; i++)
    acquire (limiter, &fixture, KZ_PRIORITY_USER, NULL, i);
  queued = g_get_monotonic_time ();

  /* The burst is granted at once, the rest queue */
  g_assert_cmpuint (kz_rate_limiter_get_n_waiting (limiter), ==, 3);

  run_until_done (&fixture, 6);

  g_assert_cmpuint (fixture.order->len, ==, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpint (label_at (&fixture, i), ==, (int) i);

  /* The k-th request after the burst waits for k intervals */
  g_assert_cmpint (time_at (&fixture, 3) - start, >=, 100 * MSEC - SLACK);
  g_assert_cmpint (time_at (&fixture, 4) - start, >=, 200 * MSEC - SLACK);
  g_assert_cmpint (time_at (&fixture, 5) - start, >=, 300 * MSEC - SLACK);

  g_assert_cmpuint (kz_rate_limiter_get_n_waiting (limiter), ==, 0);
  /* About 100 + 200 + 300 ms spent queued, less the time it took to queue */
  g_assert_cmpint (kz_rate_limiter_get_wait_usec (limiter), >=, 600 * MSEC - 3 * SLACK - 3 * (queued - start));

  fixture_clear (&fixture);
}

static void
test_priority (void)
{
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (1200, 1);
  Fixture fixture;

  fixture_init (&fixture);

  /* Takes the only token: everything after it queues */
  acquire (limiter, &fixture, KZ_PRIORITY_BACKGROUND, NULL, 0);
  acquire (limiter, &fixture, KZ_PRIORITY_BACKGROUND, NULL, 1);
  acquire (limiter, &fixture, KZ_PRIORITY_BACKGROUND, NULL, 2);
  acquire (limiter, &fixture, KZ_PRIORITY_USER, NULL, 3);
  acquire (limiter, &fixture, KZ_PRIORITY_BACKGROUND, NULL, 4);
  acquire (limiter, &fixture, KZ_PRIORITY_USER, NULL, 5);
  g_assert_cmpuint (kz_rate_limiter_get_n_waiting (limiter), ==, 5);

  run_until_done (&fixture, 6);

  /* People first, then background work, each in arrival order */
  g_assert_cmpuint (fixture.order->len, ==, 6);
  g_assert_cmpint (label_at (&fixture, 0), ==, 0);
  g_assert_cmpint (label_at (&fixture, 1), ==, 3);
  g_assert_cmpint (label_at (&fixture, 2), ==, 5);
  g_assert_cmpint (label_at (&fixture, 3), ==, 1);
  g_assert_cmpint (label_at (&fixture, 4), ==, 2);
  g_assert_cmpint (label_at (&fixture, 5), ==, 4);

  fixture_clear (&fixture);
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

static gpointer
cancel_in_thread (gpointer user_data)
{
  g_usleep (20 * 1000);
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return NULL;
}

/* One token a second: a cancelled waiter must not wait for it. */
static void
test_cancel (void)
{
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (60, 1);
  g_autoptr(GCancellable) early = g_cancellable_new ();
  g_autoptr(GCancellable) later = g_cancellable_new ();
  g_autoptr(GCancellable) threaded = g_cancellable_new ();
  g_autoptr(GThread) thread = NULL;
  Fixture fixture;
  gint64 start;

  fixture_init (&fixture);

  /* Already cancelled: fails without queueing */
  g_cancellable_cancel (early);
  acquire (limiter, &fixture, KZ_PRIORITY_USER, early, 0);
  g_assert_cmpuint (kz_rate_limiter_get_n_waiting (limiter), ==, 0);
  run_until_done (&fixture, 1);
  g_assert_cmpuint (fixture.n_cancelled, ==, 1);
  g_assert_cmpuint (fixture.order->len, ==, 0);

  start = g_get_monotonic_time ();
  acquire (limiter, &fixture, KZ_PRIORITY_USER, NULL, 1);
  acquire (limiter, &fixture, KZ_PRIORITY_USER, later, 2);
  acquire (limiter, &fixture, KZ_PRIORITY_BACKGROUND, threaded, 3);
  g_assert_cmpuint (kz_rate_limiter_get_n_waiting (limiter), ==, 2);

  g_timeout_add (30, cancel_later, later);
  thread = g_thread_new ("canceller", cancel_in_thread, threaded);

  run_until_done (&fixture, 4);
  g_thread_join (g_steal_pointer (&thread));

  /* Both left the queue long before the next token (1 s) */
  g_assert_cmpuint (fixture.n_cancelled, ==, 3);
  g_assert_cmpuint (fixture.order->len, ==, 1);
  g_assert_cmpint (label_at (&fixture, 0), ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 800 * MSEC);
  g_assert_cmpuint (kz_rate_limiter_get_n_waiting (limiter), ==, 0);

  fixture_clear (&fixture);
}

/* A waiter behind a cancelled one moves up and still gets its token. */
static void
test_cancel_keeps_order (void)
{
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (120, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Fixture fixture;

  fixture_init (&fixture);

  acquire (limiter, &fixture, KZ_PRIORITY_USER, NULL, 0);
  acquire (limiter, &fixture, KZ_PRIORITY_USER, cancellable, 1);
  acquire (limiter, &fixture, KZ_PRIORITY_USER, NULL, 2);
  g_cancellable_cancel (cancellable);

  run_until_done (&fixture, 3);

  g_assert_cmpuint (fixture.n_cancelled, ==, 1);
  g_assert_cmpuint (fixture.order->len, ==, 2);
  g_assert_cmpint (label_at (&fixture, 0), ==, 0);
  g_assert_cmpint (label_at (&fixture, 1), ==, 2);
  /* The next token (500 ms) went to it; the cancelled waiter did not use
   * it up, which would have meant 1 s */
  g_assert_cmpint (time_at (&fixture, 1) - time_at (&fixture, 0), >=, 500 * MSEC - SLACK);
  g_assert_cmpint (time_at (&fixture, 1) - time_at (&fixture, 0), <, 950 * MSEC);

  fixture_clear (&fixture);
}

typedef struct {
  KzRateLimiter *limiter;
  gint64         until;
} Extend;

static gboolean
extend_pause (gpointer user_data)
{
  Extend *extend = user_data;

  kz_rate_limiter_pause_until (extend->limiter, extend->until);
  return G_SOURCE_REMOVE;
}

static void
test_pause (void)
{
  g_autoptr(KzRateLimiter) limiter = kz_rate_limiter_new (6000, 5);
  Fixture fixture;
  Extend extend;
  gint64 start = g_get_monotonic_time ();
  gint64 until = start + 300 * MSEC;
  gint64 queued;

  fixture_init (&fixture);

  kz_rate_limiter_pause_until (limiter, until);
  g_assert_cmpint (kz_rate_limiter_get_paused_until (limiter), ==, until);

  /* An earlier pause does not shorten the current one */
  kz_rate_limiter_pause_until (limiter, start + 100 * MSEC);
  g_assert_cmpint (kz_rate_limiter_get_paused_until (limiter), ==, until);

  /* Tokens are available, yet everyone waits */
  acquire (limiter, &fixture, KZ_PRIORITY_USER, NULL, 0);
  acquire (limiter, &fixture, KZ_PRIORITY_BACKGROUND, NULL, 1);
  acquire (limiter, &fixture, KZ_PRIORITY_USER, NULL, 2);
  queued = g_get_monotonic_time ();
  g_assert_cmpuint (kz_rate_limiter_get_n_waiting (limiter), ==, 3);

  /* Extended while they wait */
  extend.limiter = limiter;
  extend.until = start + 450 * MSEC;
  g_timeout_add (100, extend_pause, &extend);

  run_until_done (&fixture, 3);

  g_assert_cmpint (kz_rate_limiter_get_paused_until (limiter), ==, extend.until);
  g_assert_cmpuint (fixture.order->len, ==, 3);
  g_assert_cmpint (label_at (&fixture, 0), ==, 0);
  g_assert_cmpint (label_at (&fixture, 1), ==, 2);
  g_assert_cmpint (label_at (&fixture, 2), ==, 1);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (time_at (&fixture, i), >=, extend.until);
  /* Each of the three waited from its queueing to the end of the pause */
  g_assert_cmpint (kz_rate_limiter_get_wait_usec (limiter), >=, 3 * (extend.until - queued));

  fixture_clear (&fixture);
}

/* Works on whatever context was the thread default at creation. */
static void
test_own_context (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(KzRateLimiter) limiter = NULL;
  Fixture fixture;

  g_main_context_push_thread_default (context);
  fixture_init (&fixture);
  limiter = kz_rate_limiter_new (6000, 1);

  acquire (limiter, &fixture, KZ_PRIORITY_USER, NULL, 0);
  acquire (limiter, &fixture, KZ_PRIORITY_USER, NULL, 1);
  run_until_done (&fixture, 2);

  g_assert_cmpuint (fixture.order->len, ==, 2);
  g_assert_cmpint (label_at (&fixture, 1), ==, 1);

  g_clear_object (&limiter);
  fixture_clear (&fixture);
  g_main_context_pop_thread_default (context);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kz/rate-limiter/accessors", test_accessors);
  g_test_add_func ("/kz/rate-limiter/burst-then-pacing", test_burst_then_pacing);
  g_test_add_func ("/kz/rate-limiter/priority", test_priority);
  g_test_add_func ("/kz/rate-limiter/cancel", test_cancel);
  g_test_add_func ("/kz/rate-limiter/cancel-keeps-order", test_cancel_keeps_order);
  g_test_add_func ("/kz/rate-limiter/pause", test_pause);
  g_test_add_func ("/kz/rate-limiter/own-context", test_own_context);

  return g_test_run ();
}
