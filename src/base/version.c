#include "base/version.h"

const char *llr_version(void)
{
    return LLR_VERSION_STRING;
}
