// Commands that failed: what was tried, the API's status, and its reason (the server's words).
export default {
  failed: '{what} विफल ({status}): {error}',
  failedUnknown: '{what} विफल ({status}): {error}; नतीजा पता नहीं: यह अब भी लागू हो सकता है',
  dismiss: 'बंद करें',
  lostInFlight: 'कनेक्शन टूट गया ({reason}); नतीजा पता नहीं',
  /** What each command of main/shared/contract.ts was, in words (nested by the dots in its name). */
  command: {
    cluster: { get: 'क्लस्टर पढ़ना' },
    node: { crash: 'क्रैश', restart: 'फिर शुरू करना', pause: 'जमाना', resume: 'पिघलाना' },
    link: { set: 'कनेक्शन बदलना', fault: 'कनेक्शन बदलना' },
    partition: 'विभाजन',
    heal: 'सब जोड़ना',
    kv: 'रजिस्टर',
    decide: 'निर्णय',
    member: { add: 'सदस्य जोड़ना', remove: 'सदस्य हटाना', promote: 'पदोन्नति' },
    leader: { transfer: 'अध्यक्षता सौंपना' },
    settings: { set: 'सेटिंग बदलना' },
  },
};
