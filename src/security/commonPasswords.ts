/**
 * The most common passwords and their base words, from the top of public breach-frequency
 * lists (SecLists "10-million-password-list-top-1000", the NCSC's "100k most used"),
 * lowercased. Short entries matter too: the policy strips digits and symbols from both ends
 * before looking up, so "Password123456!" and "qwerty1234567" are refused as "password" and
 * "qwerty". Kept small on purpose: the length rule does most of the work.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '123456', '123456789', '12345678', '12345', '1234567', '1234567890', '123123', '111111', '000000', '654321',
  '666666', '121212', '112233', '123321', '987654321', '123654', '159753', '147258369', '11111111', '1q2w3e4r',
  '1q2w3e4r5t', '1q2w3e4r5t6y', '1qaz2wsx', '1qaz2wsx3edc', 'zaq12wsx', 'zaq1zaq1', 'qazwsx', 'qazwsxedc',
  'qwerty', 'qwertyuiop', 'qwertyuiopasdfghjkl', 'qwerty123', 'qwe123', 'qweqwe', 'asdfgh', 'asdfghjkl', 'asdf',
  'zxcvbnm', 'zxcvbn', 'azerty', 'qwertz', 'abc', 'abcd', 'abcdef', 'abcdefg', 'abcdefgh', 'abcdefghijkl',
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'pass', 'passwort', 'motdepasse', 'contraseña', 'senha',
  'letmein', 'welcome', 'welcome1', 'admin', 'administrator', 'root', 'toor', 'login', 'master', 'secret',
  'changeme', 'default', 'guest', 'test', 'tester', 'testing', 'user', 'temp', 'access', 'trustno1', 'iloveyou',
  'princess', 'sunshine', 'shadow', 'monkey', 'dragon', 'football', 'baseball', 'soccer', 'hockey', 'basketball',
  'superman', 'batman', 'starwars', 'pokemon', 'naruto', 'master', 'michael', 'jennifer', 'jordan', 'hunter',
  'killer', 'freedom', 'whatever', 'nothing', 'computer', 'internet', 'samsung', 'google', 'apple', 'microsoft',
  'charlie', 'daniel', 'thomas', 'robert', 'matthew', 'jessica', 'ashley', 'michelle', 'nicole', 'andrew',
  'joshua', 'anthony', 'william', 'george', 'harley', 'ranger', 'buster', 'tigger', 'ginger', 'pepper', 'cookie',
  'chocolate', 'butterfly', 'flower', 'summer', 'winter', 'spring', 'autumn', 'hello', 'hellohello', 'helloworld',
  'lovely', 'loveme', 'love', 'mylove', 'babygirl', 'angel', 'blessed', 'jesus', 'christ', 'god', 'heaven',
  'cheese', 'pizza', 'banana', 'orange', 'purple', 'yellow', 'silver', 'golden', 'diamond', 'money', 'family',
  'friends', 'forever', 'mustang', 'ferrari', 'porsche', 'mercedes', 'corvette', 'liverpool', 'chelsea',
  'arsenal', 'qwerty12345', 'aaaaaa', 'zzzzzz', 'abc123', 'a1b2c3', 'a1b2c3d4', 'abcd1234', 'pass1234',
  'password1', 'password12', 'password123', 'password1234', 'iloveyou1', 'clinic', 'massage', 'stevenson',
  'therapy', 'medical', 'facial', 'facials', 'payload', 'correcthorsebatterystaple',
])
