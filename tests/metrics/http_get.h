// HttpGet: one HTTP request with libcurl, for tests of the /metrics endpoint.
#ifndef PLUTON_TESTS_METRICS_HTTP_GET_H_
#define PLUTON_TESTS_METRICS_HTTP_GET_H_

#include <curl/curl.h>

#include <string>

namespace pluton::testing {

struct HttpReply {
  long status = 0;  // 0 when the request failed
  std::string content_type;
  std::string body;
};

// `method` "GET" or another verb sent as a custom request.
inline HttpReply HttpRequest(const std::string& url, const std::string& method = "GET") {
  HttpReply reply;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (method != "GET") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(
      curl, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t count, void* out) {
        static_cast<std::string*>(out)->append(data, size * count);
        return size * count;
      });
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    char* type = nullptr;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
    if (type != nullptr) reply.content_type = type;
  }
  curl_easy_cleanup(curl);
  return reply;
}

}  // namespace pluton::testing

#endif  // PLUTON_TESTS_METRICS_HTTP_GET_H_
