/* kz-bench-report.c: the run's figures, as a table and as JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-bench"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "kz-bench.h"

static void
figure_free (gpointer data)
{
  KzBenchFigure *figure = data;

  g_free (figure->id);
  g_free (figure->title);
  g_free (figure->unit);
  g_free (figure->reference_unit);
  g_free (figure->reference_label);
  g_free (figure->note);
  g_free (figure);
}

KzBenchFigure *
kz_bench_add_figure (KzBench    *bench,
                     const char *id,
                     const char *title)
{
  KzBenchFigure *figure = g_new0 (KzBenchFigure, 1);

  if (bench->figures == NULL)
    bench->figures = g_ptr_array_new_with_free_func (figure_free);

  figure->id = g_strdup (id);
  figure->title = g_strdup (title);
  figure->value = NAN;
  figure->reference = NAN;
  figure->ratio = NAN;
  figure->result = KZ_BENCH_RESULT_INFO;
  g_ptr_array_add (bench->figures, figure);

  return figure;
}

void
kz_bench_figure_set_value (KzBenchFigure *figure,
                           double         value,
                           const char    *unit)
{
  figure->value = value;
  g_free (figure->unit);
  figure->unit = g_strdup (unit);
}

void
kz_bench_figure_set_reference (KzBenchFigure *figure,
                               double         reference,
                               const char    *unit,
                               const char    *label)
{
  figure->reference = reference;
  g_free (figure->reference_unit);
  figure->reference_unit = g_strdup (unit);
  g_free (figure->reference_label);
  figure->reference_label = g_strdup (label);
}

/* Judges @ratio against the goal: PASS or MISS, INFO without a goal. */
void
kz_bench_figure_set_goal (KzBenchFigure *figure,
                          double         ratio,
                          KzBenchGoal    goal,
                          double         goal_ratio)
{
  figure->ratio = ratio;
  figure->goal = goal;
  figure->goal_ratio = goal_ratio;

  if (goal == KZ_BENCH_GOAL_NONE || isnan (ratio))
    figure->result = KZ_BENCH_RESULT_INFO;
  else if (goal == KZ_BENCH_GOAL_AT_MOST)
    figure->result = ratio <= goal_ratio ? KZ_BENCH_RESULT_PASS : KZ_BENCH_RESULT_MISS;
  else
    figure->result = ratio >= goal_ratio ? KZ_BENCH_RESULT_PASS : KZ_BENCH_RESULT_MISS;
}

static void
figure_append_note (KzBenchFigure *figure,
                    const char    *text)
{
  char *joined;

  if (figure->note == NULL)
    {
      figure->note = g_strdup (text);
      return;
    }

  joined = g_strconcat (figure->note, " ", text, NULL);
  g_free (figure->note);
  figure->note = joined;
}

void
kz_bench_figure_note (KzBenchFigure *figure,
                      const char    *format,
                      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  figure_append_note (figure, text);
}

void
kz_bench_figure_skip (KzBenchFigure *figure,
                      const char    *format,
                      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  figure->result = KZ_BENCH_RESULT_SKIP;
  figure_append_note (figure, text);
}

void
kz_bench_error (KzBench    *bench,
                const char *format,
                ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  bench->n_errors++;
  g_printerr ("kizuna-bench: %s\n", text);
}

/* Measuring helpers */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Nearest-rank percentile of @samples (doubles); sorts them. */
double
kz_bench_percentile (GArray *samples,
                     double  percent)
{
  guint rank;

  if (samples->len == 0)
    return NAN;

  g_array_sort (samples, compare_doubles);
  rank = (guint) ceil (percent / 100.0 * samples->len);
  rank = CLAMP (rank, 1, samples->len);

  return g_array_index (samples, double, rank - 1);
}

void
kz_bench_await (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static char *
format_number (double value)
{
  double magnitude = fabs (value);

  if (isnan (value))
    return g_strdup ("–");
  if (magnitude >= 100 || value == floor (value))
    return g_strdup_printf ("%.0f", value);
  if (magnitude >= 10)
    return g_strdup_printf ("%.1f", value);
  if (magnitude >= 1)
    return g_strdup_printf ("%.2f", value);
  return g_strdup_printf ("%.3f", value);
}

char *
kz_bench_format_quantity (double      value,
                          const char *unit)
{
  g_autofree char *number = format_number (value);

  if (isnan (value))
    return g_strdup ("–");
  if (unit == NULL || *unit == '\0')
    return g_steal_pointer (&number);

  return g_strdup_printf ("%s %s", number, unit);
}

static char *
format_ratio (double ratio)
{
  if (isnan (ratio))
    return g_strdup ("–");
  if (ratio >= 100)
    return g_strdup_printf ("%.0f×", ratio);
  if (ratio >= 10)
    return g_strdup_printf ("%.1f×", ratio);
  return g_strdup_printf ("%.2f×", ratio);
}

static char *
format_goal (const KzBenchFigure *figure)
{
  g_autofree char *ratio = NULL;

  if (figure->goal == KZ_BENCH_GOAL_NONE)
    return g_strdup ("–");

  ratio = format_ratio (figure->goal_ratio);
  return g_strdup_printf ("%s %s", figure->goal == KZ_BENCH_GOAL_AT_MOST ? "≤" : "≥", ratio);
}

static const char *
result_to_string (KzBenchResult result)
{
  switch (result)
    {
    case KZ_BENCH_RESULT_PASS:
      return "PASS";
    case KZ_BENCH_RESULT_MISS:
      return "MISS";
    case KZ_BENCH_RESULT_SKIP:
      return "skipped";
    case KZ_BENCH_RESULT_INFO:
    default:
      return "info";
    }
}

/* The machine */

static char *
read_proc_field (const char *path,
                 const char *field)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *colon = strchr (lines[i], ':');

      if (colon != NULL && g_str_has_prefix (lines[i], field))
        {
          g_autofree char *name = g_strndup (lines[i], colon - lines[i]);

          if (g_str_equal (g_strstrip (name), field))
            return g_strstrip (g_strdup (colon + 1));
        }
    }

  return NULL;
}

typedef struct {
  guint  n_processors;
  char  *cpu;
  double memory_gib;
  char  *kernel;
  char  *date;
  char  *load;     /* load averages over 1, 5 and 15 minutes */
} Machine;

static void
machine_init (Machine *machine)
{
  g_autofree char *mem_total = read_proc_field ("/proc/meminfo", "MemTotal");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  struct utsname name;

  machine->n_processors = g_get_num_processors ();
  machine->cpu = read_proc_field ("/proc/cpuinfo", "model name");
  if (machine->cpu == NULL)
    machine->cpu = g_strdup ("unknown");
  machine->memory_gib = mem_total ? g_ascii_strtod (mem_total, NULL) / (1024.0 * 1024.0) : NAN;
  machine->kernel = uname (&name) == 0 ? g_strdup_printf ("%s %s %s", name.sysname, name.release, name.machine)
                                       : g_strdup ("unknown");
  machine->date = g_date_time_format (now, "%Y-%m-%d %H:%M %z");

  /* Other work on the machine skews every figure, threads most. */
  if (g_file_get_contents ("/proc/loadavg", &machine->load, NULL, NULL))
    {
      g_auto(GStrv) fields = g_strsplit (machine->load, " ", 4);

      g_free (machine->load);
      machine->load = g_strv_length (fields) >= 3
        ? g_strdup_printf ("%s %s %s", fields[0], fields[1], fields[2])
        : g_strdup ("unknown");
    }
  else
    {
      machine->load = g_strdup ("unknown");
    }
}

static void
machine_clear (Machine *machine)
{
  g_free (machine->cpu);
  g_free (machine->kernel);
  g_free (machine->date);
  g_free (machine->load);
}

/* Output */

static void
print_library_line (KzBench *bench)
{
  KzSyntheticLibrary *library = bench->library;

  if (library == NULL)
    return;

  g_print ("Synthetic library (seed %u): %u entries, %u relations, %u franchises "
           "(%u standalone, largest %u entries, longest sequel line %u, %u loops, "
           "%u crossover edges, %u adult entries), generated in %.1f s.\n",
           bench->seed, library->entries->len, library->n_relations, library->n_franchises,
           library->n_standalone, library->largest_franchise, library->longest_chain,
           library->n_cycles, library->n_crossovers, library->n_adult, bench->generate_seconds);
}

void
kz_bench_print_table (KzBench *bench)
{
  Machine machine = { 0, };

  machine_init (&machine);

  g_print ("\n## Kizuna benchmarks%s\n\n", bench->quick ? " (quick run: reduced sizes, not for comparison)" : "");
  g_print ("Machine: %u processors, %s, %.1f GiB, %s; %s; load average at the end %s\n",
           machine.n_processors, machine.cpu, machine.memory_gib, machine.kernel, machine.date,
           machine.load);
  g_print ("Command: %s (meson buildtype %s)\n", bench->command_line, KZ_BENCH_BUILDTYPE);
  print_library_line (bench);
  g_print ("\n| figure | measured | reference | ratio | goal | result |\n");
  g_print ("|---|---|---|---|---|---|\n");

  for (guint i = 0; bench->figures != NULL && i < bench->figures->len; i++)
    {
      KzBenchFigure *figure = g_ptr_array_index (bench->figures, i);
      g_autofree char *value = kz_bench_format_quantity (figure->value, figure->unit);
      g_autofree char *reference = kz_bench_format_quantity (figure->reference, figure->reference_unit);
      g_autofree char *ratio = format_ratio (figure->ratio);
      g_autofree char *goal = format_goal (figure);
      g_autofree char *reference_cell = NULL;

      if (figure->reference_label != NULL && !isnan (figure->reference))
        reference_cell = g_strdup_printf ("%s (%s)", reference, figure->reference_label);
      else
        reference_cell = g_strdup (reference);

      g_print ("| %s%s | %s | %s | %s | %s | %s |\n",
               figure->title, figure->synthetic ? " *(synthetic)*" : "",
               value, reference_cell, ratio, goal, result_to_string (figure->result));
    }

  g_print ("\nNotes:\n");
  for (guint i = 0; bench->figures != NULL && i < bench->figures->len; i++)
    {
      KzBenchFigure *figure = g_ptr_array_index (bench->figures, i);

      if (figure->note != NULL)
        g_print ("- `%s`: %s\n", figure->id, figure->note);
    }

  machine_clear (&machine);
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

gboolean
kz_bench_write_json (KzBench     *bench,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  Machine machine = { 0, };
  gboolean written;

  machine_init (&machine);

  json_builder_begin_object (builder);
  add_string (builder, "format", "kizuna-bench");
  add_int (builder, "version", 1);
  add_string (builder, "kizuna_version", PACKAGE_VERSION);
  json_builder_set_member_name (builder, "quick");
  json_builder_add_boolean_value (builder, bench->quick);
  add_string (builder, "command", bench->command_line);
  add_string (builder, "buildtype", KZ_BENCH_BUILDTYPE);

  json_builder_set_member_name (builder, "machine");
  json_builder_begin_object (builder);
  add_int (builder, "processors", machine.n_processors);
  add_string (builder, "cpu", machine.cpu);
  add_double (builder, "memory_gib", machine.memory_gib);
  add_string (builder, "kernel", machine.kernel);
  add_string (builder, "date", machine.date);
  add_string (builder, "load_average", machine.load);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "synthetic_library");
  if (bench->library != NULL)
    {
      json_builder_begin_object (builder);
      add_int (builder, "seed", bench->seed);
      add_int (builder, "entries", bench->library->entries->len);
      add_int (builder, "relations", bench->library->n_relations);
      add_int (builder, "franchises", bench->library->n_franchises);
      add_int (builder, "standalone", bench->library->n_standalone);
      add_int (builder, "largest_franchise", bench->library->largest_franchise);
      add_int (builder, "longest_chain", bench->library->longest_chain);
      add_int (builder, "loops", bench->library->n_cycles);
      add_int (builder, "crossovers", bench->library->n_crossovers);
      add_int (builder, "adult", bench->library->n_adult);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_add_null_value (builder);
    }

  json_builder_set_member_name (builder, "figures");
  json_builder_begin_array (builder);
  for (guint i = 0; bench->figures != NULL && i < bench->figures->len; i++)
    {
      KzBenchFigure *figure = g_ptr_array_index (bench->figures, i);

      json_builder_begin_object (builder);
      add_string (builder, "id", figure->id);
      add_string (builder, "title", figure->title);
      add_double (builder, "value", figure->value);
      add_string (builder, "unit", figure->unit);
      add_double (builder, "reference", figure->reference);
      add_string (builder, "reference_unit", figure->reference_unit);
      add_string (builder, "reference_label", figure->reference_label);
      add_double (builder, "ratio", figure->ratio);
      if (figure->goal == KZ_BENCH_GOAL_NONE)
        {
          add_string (builder, "goal", NULL);
        }
      else
        {
          json_builder_set_member_name (builder, "goal");
          json_builder_begin_object (builder);
          add_string (builder, "ratio", figure->goal == KZ_BENCH_GOAL_AT_MOST ? "at-most" : "at-least");
          add_double (builder, "value", figure->goal_ratio);
          json_builder_end_object (builder);
        }
      add_string (builder, "result", result_to_string (figure->result));
      json_builder_set_member_name (builder, "synthetic");
      json_builder_add_boolean_value (builder, figure->synthetic);
      add_string (builder, "note", figure->note);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  add_int (builder, "errors", bench->n_errors);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  written = json_generator_to_file (generator, path, error);

  machine_clear (&machine);
  return written;
}
