// The one translation unit that compiles Boost.Asio's implementation (separate compilation).
#include <boost/asio/impl/src.hpp>
