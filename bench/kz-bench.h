/* kz-bench.h: what the benchmark's parts share
 *
 * Each part measures its figures side by side with their references and
 * adds them to the run; kz-bench-report.c prints the table and the JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kizuna-core.h"
#include "kz-synthetic.h"

G_BEGIN_DECLS

/* One frame at 60 Hz, the budget everything on screen is measured by. */
#define KZ_BENCH_FRAME_MS 16.0

typedef enum {
  KZ_BENCH_GOAL_NONE,      /* reported, no goal */
  KZ_BENCH_GOAL_AT_MOST,   /* met when ratio <= goal */
  KZ_BENCH_GOAL_AT_LEAST,  /* met when ratio >= goal */
} KzBenchGoal;

typedef enum {
  KZ_BENCH_RESULT_INFO,
  KZ_BENCH_RESULT_PASS,
  KZ_BENCH_RESULT_MISS,
  KZ_BENCH_RESULT_SKIP,
} KzBenchResult;

typedef struct {
  char          *id;
  char          *title;
  double         value;
  char          *unit;
  double         reference;   /* NAN: none */
  char          *reference_unit;
  char          *reference_label;
  double         ratio;       /* NAN: none */
  KzBenchGoal    goal;
  double         goal_ratio;
  KzBenchResult  result;
  gboolean       synthetic;
  char          *note;
} KzBenchFigure;

typedef struct {
  /* options */
  gboolean            quick;
  guint32             seed;
  guint               n_entries;
  guint               n_relations;
  char              **only;        /* parts to run; NULL: all */
  char               *command_line;

  /* state shared between parts */
  char               *work_dir;    /* removed at exit */
  KzSyntheticLibrary *library;
  double              generate_seconds;
  KzStore            *store;       /* the imported synthetic library */
  char               *store_dir;   /* holds library.db, for the app */
  gboolean            have_display;
  GRand              *rand;

  GPtrArray          *figures;     /* KzBenchFigure */
  guint               n_errors;
} KzBench;

/* Parts; each adds its own figures. */
void     kz_bench_run_cache      (KzBench *bench);
void     kz_bench_run_store      (KzBench *bench);
void     kz_bench_run_sidebar    (KzBench *bench);
void     kz_bench_run_first_frame(KzBench *bench);
void     kz_bench_run_discovery  (KzBench *bench);

gboolean kz_bench_wants          (KzBench    *bench,
                                  const char *part);
/* Generates the synthetic library once, on first use. */
KzSyntheticLibrary *kz_bench_get_library (KzBench *bench);

/* Adding figures. The figure is owned by the run; set its fields, then
 * call kz_bench_figure_judge(). */
KzBenchFigure *kz_bench_add_figure   (KzBench       *bench,
                                      const char    *id,
                                      const char    *title);
void           kz_bench_figure_set_value     (KzBenchFigure *figure,
                                              double         value,
                                              const char    *unit);
void           kz_bench_figure_set_reference (KzBenchFigure *figure,
                                              double         reference,
                                              const char    *unit,
                                              const char    *label);
void           kz_bench_figure_set_goal      (KzBenchFigure *figure,
                                              double         ratio,
                                              KzBenchGoal    goal,
                                              double         goal_ratio);
void           kz_bench_figure_note          (KzBenchFigure *figure,
                                              const char    *format,
                                              ...) G_GNUC_PRINTF (2, 3);
void           kz_bench_figure_skip          (KzBenchFigure *figure,
                                              const char    *format,
                                              ...) G_GNUC_PRINTF (2, 3);
void           kz_bench_error                (KzBench       *bench,
                                              const char    *format,
                                              ...) G_GNUC_PRINTF (2, 3);

/* Reporting */
void     kz_bench_print_table    (KzBench     *bench);
gboolean kz_bench_write_json     (KzBench     *bench,
                                  const char  *path,
                                  GError     **error);

/* Measuring */
static inline double
kz_bench_seconds (void)
{
  return (double) g_get_monotonic_time () / G_USEC_PER_SEC;
}

double   kz_bench_percentile     (GArray      *samples,
                                  double       percent);
void     kz_bench_await          (GAsyncResult **slot);
char    *kz_bench_format_quantity(double       value,
                                  const char  *unit);

G_END_DECLS
