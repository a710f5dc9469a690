/* kz-rate-limiter.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-rate-limiter"

#include "config.h"

#include <math.h>

#include "kz-rate-limiter.h"

#define N_PRIORITIES (KZ_PRIORITY_BACKGROUND + 1)

struct _KzRateLimiter
{
  GObject       parent_instance;

  GMainContext *context;
  /* One source for the next wake-up, moved with g_source_set_ready_time() */
  GSource      *timer;

  double        rate;
  guint         burst;
  double        tokens;
  gint64        refilled_at;
  gint64        paused_until;
  gint64        wait_usec;

  /* GTask, one queue per priority, FIFO within each */
  GQueue        waiters[N_PRIORITIES];

  guint         dispatching : 1;
  guint         dispatch_again : 1;
};

G_DEFINE_FINAL_TYPE (KzRateLimiter, kz_rate_limiter, G_TYPE_OBJECT)

/* Task data of a queued acquire_async() */
typedef struct {
  KzRateLimiter *self;       /* unowned: the task's source object */
  GCancellable  *cancellable;
  gulong         cancelled_id;
  gint64         queued_at;
  KzPriority     priority;
  gboolean       queued;
} Waiter;

static void
waiter_free (gpointer data)
{
  Waiter *waiter = data;

  g_clear_object (&waiter->cancellable);
  g_free (waiter);
}

static gint64
interval_usec (KzRateLimiter *self)
{
  return (gint64) ceil (60.0 * G_USEC_PER_SEC / self->rate);
}

/* Tokens do not build up while paused: after a 429 the queue starts again
 * with a single request rather than a burst. */
static void
refill (KzRateLimiter *self,
        gint64         now)
{
  gint64 from = MAX (self->refilled_at, self->paused_until);

  if (now > from)
    {
      self->tokens += (double) (now - from) / (double) interval_usec (self);
      self->tokens = MIN (self->tokens, (double) self->burst);
    }

  self->refilled_at = MAX (self->refilled_at, now);
}

static guint
count_waiting (KzRateLimiter *self)
{
  guint n = 0;

  for (guint i = 0; i < N_PRIORITIES; i++)
    n += self->waiters[i].length;

  return n;
}

static GTask *
pop_next_waiter (KzRateLimiter *self)
{
  for (guint i = 0; i < N_PRIORITIES; i++)
    if (!g_queue_is_empty (&self->waiters[i]))
      return g_queue_pop_head (&self->waiters[i]);

  return NULL;
}

/* Called on the limiter's context once the waiter left the queue: the
 * cancelled handler cannot be removed from inside itself. */
static void
waiter_disconnect (Waiter *waiter)
{
  if (waiter->cancelled_id != 0)
    {
      g_cancellable_disconnect (waiter->cancellable, waiter->cancelled_id);
      waiter->cancelled_id = 0;
    }
}

static void
kz_rate_limiter_dispatch (KzRateLimiter *self)
{
  if (self->dispatching)
    {
      /* Granting a token ran a callback that queued again */
      self->dispatch_again = TRUE;
      return;
    }

  self->dispatching = TRUE;

  do
    {
      gint64 now = g_get_monotonic_time ();

      self->dispatch_again = FALSE;
      refill (self, now);

      while (count_waiting (self) > 0)
        {
          g_autoptr(GTask) task = NULL;
          Waiter *waiter;

          if (now < self->paused_until)
            {
              g_source_set_ready_time (self->timer, self->paused_until);
              break;
            }

          if (self->tokens < 1.0)
            {
              gint64 missing = (gint64) ceil ((1.0 - self->tokens) * (double) interval_usec (self));

              g_source_set_ready_time (self->timer, now + MAX (missing, 1));
              break;
            }

          task = pop_next_waiter (self);
          waiter = g_task_get_task_data (task);
          waiter->queued = FALSE;
          waiter_disconnect (waiter);

          self->tokens -= 1.0;
          self->wait_usec += now - waiter->queued_at;

          g_task_return_boolean (task, TRUE);
        }

      if (count_waiting (self) == 0)
        g_source_set_ready_time (self->timer, -1);
    }
  while (self->dispatch_again);

  self->dispatching = FALSE;
}

static gboolean
timer_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs timer_funcs = {
  .dispatch = timer_dispatch,
};

static gboolean
on_timer (gpointer user_data)
{
  kz_rate_limiter_dispatch (KZ_RATE_LIMITER (user_data));
  return G_SOURCE_CONTINUE;
}

static gboolean
on_cancelled_idle (gpointer user_data)
{
  GTask *task = user_data;
  Waiter *waiter = g_task_get_task_data (task);
  KzRateLimiter *self = waiter->self;

  if (!waiter->queued)
    return G_SOURCE_REMOVE;

  waiter->queued = FALSE;
  waiter_disconnect (waiter);
  g_queue_remove (&self->waiters[waiter->priority], task);

  g_task_return_error_if_cancelled (task);
  g_object_unref (task);

  /* The head of the queue may have changed */
  kz_rate_limiter_dispatch (self);

  return G_SOURCE_REMOVE;
}

/* May run on any thread: hand the work over to the limiter's context. */
static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  Waiter *waiter = g_task_get_task_data (task);
  g_autoptr(GSource) idle = g_idle_source_new ();

  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (idle, on_cancelled_idle, g_object_ref (task), g_object_unref);
  g_source_set_static_name (idle, "[kizuna] rate limiter cancel");
  g_source_attach (idle, waiter->self->context);
}

static void
kz_rate_limiter_dispose (GObject *object)
{
  KzRateLimiter *self = (KzRateLimiter *)object;
  GTask *task;

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }

  while ((task = pop_next_waiter (self)) != NULL)
    {
      Waiter *waiter = g_task_get_task_data (task);

      waiter->queued = FALSE;
      waiter_disconnect (waiter);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The request queue was shut down");
      g_object_unref (task);
    }

  G_OBJECT_CLASS (kz_rate_limiter_parent_class)->dispose (object);
}

static void
kz_rate_limiter_finalize (GObject *object)
{
  KzRateLimiter *self = (KzRateLimiter *)object;

  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (kz_rate_limiter_parent_class)->finalize (object);
}

static void
kz_rate_limiter_class_init (KzRateLimiterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kz_rate_limiter_dispose;
  object_class->finalize = kz_rate_limiter_finalize;
}

static void
kz_rate_limiter_init (KzRateLimiter *self)
{
  for (guint i = 0; i < N_PRIORITIES; i++)
    g_queue_init (&self->waiters[i]);

  self->context = g_main_context_ref_thread_default ();
  self->refilled_at = g_get_monotonic_time ();

  self->timer = g_source_new (&timer_funcs, sizeof (GSource));
  g_source_set_callback (self->timer, on_timer, self, NULL);
  g_source_set_static_name (self->timer, "[kizuna] rate limiter");
  g_source_set_ready_time (self->timer, -1);
  g_source_attach (self->timer, self->context);
}

KzRateLimiter *
kz_rate_limiter_new (double requests_per_minute,
                     guint  burst)
{
  KzRateLimiter *self;

  g_return_val_if_fail (requests_per_minute > 0, NULL);

  self = g_object_new (KZ_TYPE_RATE_LIMITER, NULL);
  self->rate = requests_per_minute;
  self->burst = MAX (burst, 1);
  self->tokens = self->burst;

  return self;
}

double
kz_rate_limiter_get_rate (KzRateLimiter *self)
{
  g_return_val_if_fail (KZ_IS_RATE_LIMITER (self), 0);
  return self->rate;
}

guint
kz_rate_limiter_get_burst (KzRateLimiter *self)
{
  g_return_val_if_fail (KZ_IS_RATE_LIMITER (self), 0);
  return self->burst;
}

/* Completes once a token is free and no pause holds the queue. Must be
 * called on the context the limiter was created on. */
void
kz_rate_limiter_acquire_async (KzRateLimiter       *self,
                               KzPriority           priority,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Waiter *waiter;

  g_return_if_fail (KZ_IS_RATE_LIMITER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_rate_limiter_acquire_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  if ((guint) priority >= N_PRIORITIES)
    priority = KZ_PRIORITY_BACKGROUND;

  waiter = g_new0 (Waiter, 1);
  waiter->self = self;
  waiter->priority = priority;
  waiter->queued_at = g_get_monotonic_time ();
  waiter->queued = TRUE;
  g_task_set_task_data (task, waiter, waiter_free);

  g_queue_push_tail (&self->waiters[priority], g_object_ref (task));

  if (cancellable != NULL)
    {
      waiter->cancellable = g_object_ref (cancellable);
      waiter->cancelled_id = g_cancellable_connect (cancellable,
                                                    G_CALLBACK (on_cancelled),
                                                    g_object_ref (task),
                                                    g_object_unref);
    }

  kz_rate_limiter_dispatch (self);
}

gboolean
kz_rate_limiter_acquire_finish (KzRateLimiter  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (KZ_IS_RATE_LIMITER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Holds every waiter until @monotonic_usec. A later pause extends the
 * current one; an earlier one leaves it as it is. */
void
kz_rate_limiter_pause_until (KzRateLimiter *self,
                             gint64         monotonic_usec)
{
  g_return_if_fail (KZ_IS_RATE_LIMITER (self));

  if (monotonic_usec <= self->paused_until)
    return;

  refill (self, g_get_monotonic_time ());
  self->paused_until = monotonic_usec;
  self->tokens = MIN (self->tokens, 1.0);

  g_debug ("Pausing requests for %.1f s",
           (double) (monotonic_usec - g_get_monotonic_time ()) / G_USEC_PER_SEC);

  if (count_waiting (self) > 0)
    kz_rate_limiter_dispatch (self);
}

/* The monotonic time of the latest pause, which may be in the past; 0 if
 * the queue was never paused. */
gint64
kz_rate_limiter_get_paused_until (KzRateLimiter *self)
{
  g_return_val_if_fail (KZ_IS_RATE_LIMITER (self), 0);
  return self->paused_until;
}

guint
kz_rate_limiter_get_n_waiting (KzRateLimiter *self)
{
  g_return_val_if_fail (KZ_IS_RATE_LIMITER (self), 0);
  return count_waiting (self);
}

/* Total time granted waiters spent in the queue. */
gint64
kz_rate_limiter_get_wait_usec (KzRateLimiter *self)
{
  g_return_val_if_fail (KZ_IS_RATE_LIMITER (self), 0);
  return self->wait_usec;
}
