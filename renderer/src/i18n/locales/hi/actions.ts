// The society's business: decisions for the minutes, and the society register (key-value store).
export default {
  region: 'सोसाइटी का कामकाज',
  decisionTitle: 'निर्णय का प्रस्ताव',
  decisionRaft: 'क्लाइंट कमांड',
  decisionPlaceholder: '₹2 लाख के पेंटिंग ठेके को मंज़ूरी',
  decide: 'प्रस्ताव रखें',
  decided: 'निर्णय {n} प्रविष्टि {index} के रूप में पक्का हुआ।',
  kvTitle: 'सोसाइटी रजिस्टर',
  kvRaft: 'की-वैल्यू स्टोर',
  key: 'कुंजी',
  value: 'मान',
  set: 'दर्ज करें',
  get: 'पढ़ें',
  wasSet: '{key} = {value} (प्रविष्टि {index} के रूप में पक्का)',
  got: '{key} = {value} (लीनियराइज़ेबल रीड)',
  notSet: '{key} दर्ज नहीं है (लीनियराइज़ेबल रीड)',
};
