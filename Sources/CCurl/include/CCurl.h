#ifndef AE_CCURL_H
#define AE_CCURL_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic and do not import into Swift.
// One typed wrapper per argument kind; each passes exactly the C type libcurl reads.
typedef size_t (*ae_curl_data_callback)(char *data, size_t size, size_t count, void *context);

CURLcode ae_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ae_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ae_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ae_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ae_curl_setopt_data_callback(CURL *handle, CURLoption option, ae_curl_data_callback value);

// Called while a transfer runs (about once a second when idle); non-zero aborts it.
typedef int (*ae_curl_progress_callback)(void *context, curl_off_t download_total, curl_off_t downloaded,
                                         curl_off_t upload_total, curl_off_t uploaded);
CURLcode ae_curl_setopt_progress_callback(CURL *handle, ae_curl_progress_callback value);

CURLcode ae_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ae_curl_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode ae_curl_getinfo_string(CURL *handle, CURLINFO info, const char **value);
#endif
