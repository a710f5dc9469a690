/* main.c: kizuna-cli; the program itself lives in the CLI library so that
 * the fuzz targets can link it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kz-cli-private.h"

int
main (int   argc,
      char *argv[])
{
  return _kz_cli_main (argc, argv);
}
