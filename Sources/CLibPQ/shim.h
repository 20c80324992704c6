#ifndef PARTSD_CLIBPQ_SHIM_H
#define PARTSD_CLIBPQ_SHIM_H
#include <libpq-fe.h>

/* Swift does not import character-literal macros such as PG_DIAG_SQLSTATE ('C'). */
static const int CLIBPQ_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int CLIBPQ_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
static const int CLIBPQ_DIAG_MESSAGE_DETAIL = PG_DIAG_MESSAGE_DETAIL;
static const int CLIBPQ_DIAG_CONSTRAINT_NAME = PG_DIAG_CONSTRAINT_NAME;
#endif
