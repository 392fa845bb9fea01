package password

import "strings"

// vector is a password and a hash of it written by Django (or by the
// library Django calls), with where it comes from.
type vector struct {
	password, encoded, alg, source string
	slow                           bool // expensive to verify; skipped with -short
}

const (
	srcFixture = "shared/fixtures/README.md (django-freeradius 0.1.0, Django 3.2), auth_user.password"
	// django/django tests/auth_tests/test_hashers.py, as stored at commit
	// 02dbf1667c6da61ea9346f7c9f174a158b896811 (Django 4.1 era, hence 390000).
	srcDjangoTests = "django/django tests/auth_tests/test_hashers.py"
	// passlib tests/test_handlers_django.py, known_correct_hashes "generated
	// via django" (1.4/1.6 hashers) or cloned from bcrypt's own vectors.
	srcPasslib = "passlib tests/test_handlers_django.py"
	// Computed here with Python 3.11's hashlib / crypt (the primitives
	// Django's hashers call), to cover Django 3.2's default parameters.
	srcPython = "python3 hashlib/crypt"
)

// Passwords used by the Django and passlib test suites.
const (
	letmein    = "lètmein"
	upassUSD   = "\u20AC\u00A5$"             // passlib UPASS_USD
	upassTable = "t\u00e1\u0411\u2113\u0259" // passlib UPASS_TABLE
)

var vectors = []vector{
	// The django-freeradius fixture: every user with a known password.
	{"alice-pass-1", "pbkdf2_sha256$260000$BwhqxHdalANTNDPxAehdo8$E2XSrLqcl5nmHDZVae42bq2fReBy/4DrK0Ih48rKHC0=", "pbkdf2_sha256", srcFixture + " id 1 alice", false},
	{"bob-pass-2", "pbkdf2_sha256$260000$vfPs1EG616I9nH4jisfdsR$CaEMq6bWW0XTaT3PBExQaT4G+Iv5DlRQEsK2t8c9Bec=", "pbkdf2_sha256", srcFixture + " id 2 bob", true},
	{"carol-pass-3", "pbkdf2_sha256$260000$UVdF2CjQK57qDBIVJ61BuV$AwtU3VoQJs1aeq+QcMeFQUoBo/VWZwYUk+eUCAgKY0c=", "pbkdf2_sha256", srcFixture + " id 3 carol", true},
	{"dave-pass-4", "pbkdf2_sha256$260000$uYDzgETEbfmyiIRPTggE2Q$/f5Ut3OiXGHZNNs7BkFO7bFYkHYyhVGB4rx0BnMTu8A=", "pbkdf2_sha256", srcFixture + " id 4 dave", true},
	{"erin-pass-5", "argon2$argon2id$v=19$m=102400,t=2,p=8$NEp4ZEkwZk9lcWxQQlQ4TGtEUE5iaQ$2TX+IlfVri6Y2OxBZ/s4NQ", "argon2", srcFixture + " id 5 erin", true},
	{"frank-pass-6", "bcrypt_sha256$$2b$12$kjEkK09yYPm62e7ZBUHb4.cBszARAaEVqugwypIanZ8rgL3mzuvFS", "bcrypt_sha256", srcFixture + " id 6 frank", true},
	{"grace-pass-7", "pbkdf2_sha256$260000$bmcqvvZSx8dMKU5ZzApke8$snns+8e0xWMgKjBw6dMkgP0JMwASrKO2uj12+UUGLmg=", "pbkdf2_sha256", srcFixture + " id 7 grace", true},
	{"heidi-pass-8", "pbkdf2_sha256$260000$E93K8uM5rYDmYuEHSiNYDS$yPOImjoXJtX86ltIdzcaJ9KoRruPn/UWfOq2OO1U8eE=", "pbkdf2_sha256", srcFixture + " id 9 heidi", true},
	{"ivan-pass-9", "pbkdf2_sha256$100000$ivanFixtureSalt01$lMwFPUYwPDDyqhnBC0CbpBYECjGL2jZHJgwThldiTzQ=", "pbkdf2_sha256", srcFixture + " id 10 ivan", false},
	{"judy-pass-10", "pbkdf2_sha256$260000$ICk8w8Vr9Uf5mdSEsd1hu2$absupEMsvr7O7aTEGXqfpN6brV1i6YH2WT56rWc0EJs=", "pbkdf2_sha256", srcFixture + " id 11 judy", true},
	{"kim-pass-11", "pbkdf2_sha256$260000$BgYoQ8OIUL0F4qlaXfytkT$GTzfLuPgxmmBN2Szp8tbUQ9xa07KDXZpgpf+BjlUKz0=", "pbkdf2_sha256", srcFixture + " id 12 kim", true},
	{"mallory-pass-12", "pbkdf2_sha1$260000$malloryFixtureSalt$lAIoF9U2qpbb20QfrSXaHO+Zd9g=", "pbkdf2_sha1", srcFixture + " id 13 mallory", false},
	{"Ok5DwwdF", "pbkdf2_sha256$260000$msF1ZQJaBH8uy2iuWzzutJ$QZ9eirjKInfNDNbx5PQDIHK7zRF5R+33uTzqbxLPb5s=", "pbkdf2_sha256", srcFixture + " id 14 guest1", true},
	{"h0dNmm97", "pbkdf2_sha256$260000$T2H2eKCELaUzyBA5x5Nqgv$fRTV5NQJ0CgdKa0ou8SFqy64shzh4pgCFeRXyIMEeoQ=", "pbkdf2_sha256", srcFixture + " id 15 guest2", true},
	{"B6Q7VahE", "pbkdf2_sha256$260000$evGwr84WNfVsUsTzF6qmMs$vbT021V7qli27ZBh8xPAo3ivxxoTBBY/Ny2/rK/5RKo=", "pbkdf2_sha256", srcFixture + " id 16 guest3", true},

	// Django's own test suite.
	{letmein, "pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c=", "pbkdf2_sha256", srcDjangoTests + " test_pbkdf2", true},
	{letmein, "pbkdf2_sha256$390000$seasalt2$geC/uZ92nRXDSjSxeoiBqYyRcrLzMm8xK3ro1QS1uo8=", "pbkdf2_sha256", srcDjangoTests + " test_low_level_pbkdf2", true},
	{letmein, "pbkdf2_sha1$390000$seasalt2$aDapRanzW8aHTz97v2TcfHzWD+I=", "pbkdf2_sha1", srcDjangoTests + " test_low_level_pbkdf2_sha1", true},
	{letmein, "sha1$seasalt$cff36ea83f5706ce9aa7454e63e431fc726b2dc8", "sha1", srcDjangoTests + " test_sha1", false},
	{letmein, "md5$seasalt$3f86d0d3d465b7b458c231bf3555c0e3", "md5", srcDjangoTests + " test_md5", false},
	{letmein, "88a434c88cca4e900f7874cd98123f43", "unsalted_md5", srcDjangoTests + " test_unsalted_md5", false},
	{letmein, "md5$$88a434c88cca4e900f7874cd98123f43", "unsalted_md5", srcDjangoTests + " test_unsalted_md5 (alternate syntax)", false},
	{letmein, "sha1$$6d138ca3ae545631b3abd71a4f076ce759c5700b", "unsalted_sha1", srcDjangoTests + " test_unsalted_sha1", false},
	{"lètmei", "crypt$$ab1Hv2Lg7ltQo", "crypt", srcDjangoTests + " test_crypt", false},
	{"secret", "argon2$argon2i$m=8,t=1,p=1$c29tZXNhbHQ$gwQOXSNhxiOxPOA0+PY10P9QFO4NAYysnqRt1GSQLE55m+2GYDt9FEjPMHhP2Cuf0nOEXXMocVrsJAtNSsKyfg", "argon2", srcDjangoTests + " test_argon2 (old hash without version)", false},
	{"secret", "argon2$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$YC9+jJCrQhs5R6db7LlN8Q", "argon2", srcDjangoTests + " test_argon2 (old hash with version)", false},
	{"secret", "argon2$argon2id$v=19$m=102400,t=2,p=8$Y041dExhNkljRUUy$TMa6A8fPJhCAUXRhJXCXdw", "argon2", srcDjangoTests + " test_argon2_version_upgrade", true},
	{letmein, "scrypt$16384$seasalt$8$1$Qj3+9PPyRjSJIebHnG81TMjsqtaIGxNQG/aEB/NYafTJ7tibgfYz71m0ldQESkXFRkdVCBhhY8mx7rQwite/Pw==", "scrypt", srcDjangoTests + " test_scrypt", false},

	// passlib's Django handler tests.
	{"not a password", "pbkdf2_sha256$10000$kjVJaVz6qsnJ$5yPHw3rwJGECpUf70daLGhOrQ5+AMxIJdz1c3bqK1Rs=", "pbkdf2_sha256", srcPasslib + " django_pbkdf2_sha256", false},
	{upassTable, "pbkdf2_sha256$10000$bEwAfNrH1TlQ$OgYUblFNUX1B8GfMqaCYUK/iHyO0pa7STTDdaEJBuY0=", "pbkdf2_sha256", srcPasslib + " django_pbkdf2_sha256", false},
	{"not a password", "pbkdf2_sha1$10000$wz5B6WkasRoF$atJmJ1o+XfJxKq1+Nu1f1i57Z5I=", "pbkdf2_sha1", srcPasslib + " django_pbkdf2_sha1", false},
	{upassTable, "pbkdf2_sha1$10000$KZKWwvqb8BfL$rw5pWsxJEU4JrZAQhHTCO+u0f5Y=", "pbkdf2_sha1", srcPasslib + " django_pbkdf2_sha1", false},
	{"", "bcrypt_sha256$$2a$06$/3OeRpbOf8/l6nPPRdZPp.nRiyYqPobEZGdNRBWihQhiFDh1ws1tu", "bcrypt_sha256", srcPasslib + " django_bcrypt_sha256 (Django 1.6)", false},
	{letmein, "bcrypt_sha256$$2a$08$NDjSAIcas.EcoxCRiArvT.MkNiPYVhrsrnJsRkLueZOoV1bsQqlmC", "bcrypt_sha256", srcPasslib + " django_bcrypt_sha256 (Django 1.6)", false},
	{upassTable, "bcrypt_sha256$$2a$06$kCXUnRFQptGg491siDKNTu8RxjBGSjALHRuvhPYNFsa4Ea5d9M48u", "bcrypt_sha256", srcPasslib + " django_bcrypt_sha256 (Django 1.6)", false},
	{strings.Repeat("abc123", 12), "bcrypt_sha256$$2a$06$Tg/oYyZTyAf.Nb3qSgN61OySmyXA8FoY4PjGizjE1QSDfuL5MXNni", "bcrypt_sha256", srcPasslib + " django_bcrypt_sha256 (72 bytes and more; passlib repeat_string(\"abc123\", 72))", false},
	{strings.Repeat("abc123", 12) + "qwr", "bcrypt_sha256$$2a$06$Tg/oYyZTyAf.Nb3qSgN61Ocy0BEz1RK6xslSNi8PlaLX2pe7x/KQG", "bcrypt_sha256", srcPasslib + " django_bcrypt_sha256 (72 bytes and more; passlib repeat_string(\"abc123\", 72))", false},
	{strings.Repeat("abc123", 12) + "xyz", "bcrypt_sha256$$2a$06$Tg/oYyZTyAf.Nb3qSgN61OvY2zoRVUa2Pugv2ExVOUT2YmhvxUFUa", "bcrypt_sha256", srcPasslib + " django_bcrypt_sha256 (72 bytes and more; passlib repeat_string(\"abc123\", 72))", false},
	{"", "bcrypt$$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.", "bcrypt", srcPasslib + " django_bcrypt", false},
	{"abcdefghijklmnopqrstuvwxyz", "bcrypt$$2a$10$fVH8e28OQRj9tqiDXs1e1uxpsjN0c7II7YPKXua2NAKYvM6iQk7dq", "bcrypt", srcPasslib + " django_bcrypt", false},
	{upassTable, "bcrypt$$2a$05$Z17AXnnlpzddNUvnC6cZNOSwMA/8oNiKnHTHTwLlBijfucQQlHjaG", "bcrypt", srcPasslib + " django_bcrypt", false},
	{"password", "md5$123abcdef$c8272612932975ee80e8a35995708e80", "md5", srcPasslib + " django_salted_md5", false},
	{"test", "md5$3OpqnFAHW5CT$54b29300675271049a1ebae07b395e20", "md5", srcPasslib + " django_salted_md5", false},
	{upassUSD, "md5$c2e86$92105508419a81a6babfaecf876a2fa0", "md5", srcPasslib + " django_salted_md5", false},
	{upassTable, "md5$d9eb8$01495b32852bffb27cf5d4394fe7a54c", "md5", srcPasslib + " django_salted_md5", false},
	{"password", "sha1$123abcdef$e4a1877b0e35c47329e7ed7e58014276168a37ba", "sha1", srcPasslib + " django_salted_sha1", false},
	{"test", "sha1$bcwHF9Hy8lxS$6b4cfa0651b43161c6f1471ce9523acf1f751ba3", "sha1", srcPasslib + " django_salted_sha1", false},
	{upassUSD, "sha1$c2e86$0f75c5d7fbd100d587c127ef0b693cde611b4ada", "sha1", srcPasslib + " django_salted_sha1", false},
	{upassTable, "sha1$6d853$ef13a4d8fb57aed0cb573fe9c82e28dc7fd372d4", "sha1", srcPasslib + " django_salted_sha1", false},
	{"MyPassword", "sha1$54123$893cf12e134c3c215f3a76bd50d13f92404a54d3", "sha1", srcPasslib + " django_salted_sha1", false},
	{"password", "crypt$c2$c2M87q...WWcU", "crypt", srcPasslib + " django_des_crypt", false},
	{"password", "crypt$$c2M87q...WWcU", "crypt", srcPasslib + " django_des_crypt (Django 1.4 empty salt field)", false},
	{"passwordignoreme", "crypt$c2.AZ$c2M87q...WWcU", "crypt", srcPasslib + " django_des_crypt (only 8 characters count)", false},
	{upassUSD, "crypt$c2e86$c2hN1Bxd6ZiWs", "crypt", srcPasslib + " django_des_crypt", false},
	{upassTable, "crypt$0.aQs$0.wB.TT0Czvlo", "crypt", srcPasslib + " django_des_crypt", false},
	{"hell\u00D6", "crypt$sa$saykDgk3BPZ9E", "crypt", srcPasslib + " django_des_crypt", false},
	{"foo", "crypt$MNVY.9ajgdvDQ$MNVY.9ajgdvDQ", "crypt", srcPasslib + " django_des_crypt", false},

	// Django 3.2's defaults, with the primitives Django calls.
	{letmein, "pbkdf2_sha256$260000$seasalt$YlZ2Vggtqdc61YjArZuoApoBh9JNGYoDRBUGu6tcJQo=", "pbkdf2_sha256", srcPython + " pbkdf2_hmac('sha256', ..., 260000)", true},
}
