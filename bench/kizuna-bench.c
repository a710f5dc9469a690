/* kizuna-bench.c: measures Kizuna's speed figures against their
 * references in one run
 *
 *   kizuna-bench [--quick] [--json FILE] [--seed N] [--only PARTS]
 *
 * Prints a Markdown table; the exit status is 0 unless something failed,
 * whether or not the goals were met.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-bench"

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <locale.h>

#include "kz-bench.h"

#define FULL_ENTRIES     50000
#define FULL_RELATIONS   150000
#define QUICK_ENTRIES    2000
#define QUICK_RELATIONS  6000

static const char * const part_names[] = { "cache", "store", "ui", "discovery", NULL };

gboolean
kz_bench_wants (KzBench    *bench,
                const char *part)
{
  return bench->only == NULL || g_strv_contains ((const char * const *) bench->only, part);
}

KzSyntheticLibrary *
kz_bench_get_library (KzBench *bench)
{
  if (bench->library == NULL)
    {
      KzSyntheticOptions options = {
        .seed = bench->seed,
        .n_entries = bench->n_entries,
        .n_relations = bench->n_relations,
      };
      double start = kz_bench_seconds ();

      g_print ("Generating the synthetic library (%u entries, seed %u)…\n", options.n_entries, options.seed);
      bench->library = kz_synthetic_library_generate (&options);
      bench->generate_seconds = kz_bench_seconds () - start;
    }

  return bench->library;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }

  g_rmdir (path);
}

static gboolean
parse_options (KzBench  *bench,
               int      *argc,
               char   ***argv,
               char    **json_path,
               gboolean *keep,
               GError  **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *only = NULL;
  gint64 seed = KZ_SYNTHETIC_DEFAULT_SEED;
  int entries = 0;
  gboolean quick = FALSE;
  GOptionEntry options[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick,
      "A few-second smoke run with reduced sizes; its figures are not for comparison", NULL },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, json_path, "Also write the figures to FILE as JSON", "FILE" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the synthetic library", "N" },
    { "entries", 0, 0, G_OPTION_ARG_INT, &entries, "Entries in the synthetic library (relations: three per entry)", "N" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only, "Run only these parts: cache, store, ui, discovery", "PART,…" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, keep, "Keep the libraries the run made, and say where", NULL },
    { NULL }
  };

  context = g_option_context_new ("— Kizuna's speed figures, each against its reference");
  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;

  if (seed < 0 || seed > G_MAXUINT32)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--seed must be between 0 and %u", G_MAXUINT32);
      return FALSE;
    }
  if (entries < 0 || (entries > 0 && entries < 100))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--entries must be 100 or more");
      return FALSE;
    }

  bench->quick = quick;
  bench->seed = (guint32) seed;
  bench->n_entries = entries > 0 ? (guint) entries : quick ? QUICK_ENTRIES : FULL_ENTRIES;
  bench->n_relations = entries > 0 ? (guint) entries * 3 : quick ? QUICK_RELATIONS : FULL_RELATIONS;

  if (only != NULL)
    {
      bench->only = g_strsplit (only, ",", -1);
      for (guint i = 0; bench->only[i] != NULL; i++)
        if (!g_strv_contains (part_names, bench->only[i]))
          {
            g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         "Unknown part “%s”; the parts are cache, store, ui and discovery", bench->only[i]);
            return FALSE;
          }
    }

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  KzBench bench = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *json_path = NULL;
  gboolean keep = FALSE;

  setlocale (LC_ALL, "");

  bench.command_line = g_strjoinv (" ", argv);
  if (!parse_options (&bench, &argc, &argv, &json_path, &keep, &error))
    {
      g_printerr ("kizuna-bench: %s\n", error->message);
      return 2;
    }

  /* Whatever might ask a provider by default asks nobody. */
  g_setenv ("KIZUNA_ANILIST_URL", "http://127.0.0.1:9/", TRUE);

  bench.rand = g_rand_new_with_seed (bench.seed ^ 0x9e3779b9u);
  bench.work_dir = g_dir_make_tmp ("kizuna-bench-XXXXXX", &error);
  if (bench.work_dir == NULL)
    {
      g_printerr ("kizuna-bench: %s\n", error->message);
      return 1;
    }

  if (kz_bench_wants (&bench, "ui"))
    {
      /* Only list models here: nothing is drawn, so no GL either. */
      g_setenv ("NO_AT_BRIDGE", "1", FALSE);
      g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
      bench.have_display = gtk_init_check ();
    }

  if (kz_bench_wants (&bench, "cache"))
    kz_bench_run_cache (&bench);

  if (kz_bench_wants (&bench, "store") || kz_bench_wants (&bench, "ui"))
    kz_bench_run_store (&bench);

  if (kz_bench_wants (&bench, "ui"))
    {
      kz_bench_run_sidebar (&bench);
      /* The app opens the same file; let it have it alone. */
      g_clear_object (&bench.store);
      kz_bench_run_first_frame (&bench);
    }
  g_clear_object (&bench.store);

  if (kz_bench_wants (&bench, "discovery"))
    kz_bench_run_discovery (&bench);

  kz_bench_print_table (&bench);

  if (json_path != NULL && !kz_bench_write_json (&bench, json_path, &error))
    kz_bench_error (&bench, "cannot write %s: %s", json_path, error->message);

  if (keep)
    g_print ("\nThe libraries are kept in %s\n", bench.work_dir);
  else
    remove_tree (bench.work_dir);

  g_free (bench.work_dir);
  g_free (bench.store_dir);
  g_free (bench.command_line);
  g_strfreev (bench.only);
  g_rand_free (bench.rand);
  g_clear_pointer (&bench.figures, g_ptr_array_unref);
  g_clear_pointer (&bench.library, kz_synthetic_library_free);

  return bench.n_errors > 0 ? 1 : 0;
}
